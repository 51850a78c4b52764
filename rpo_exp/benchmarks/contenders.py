"""The contenders every bench times, each a step function on the same model and tokens:
`ours` (rpo_exp's step as `Trainer.fit` takes it: `Trainer.optimizer_step`), `bare` (a policy
forward + backward + update with a full-vocabulary fp32 log-softmax) and `trl` (TRL's
`DPOTrainer`, one of its own optimizer steps per call)."""

from __future__ import annotations

import threading
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from accelerate import Accelerator
from accelerate.state import AcceleratorState, GradientState
from omegaconf import DictConfig, OmegaConf
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from rpo_exp.benchmarks.common import DEVICE, SEED
from rpo_exp.config.validation import validate
from rpo_exp.data.tokenization import Item
from rpo_exp.modeling.adapters import attach
from rpo_exp.modeling.models import load_policy
from rpo_exp.training import precision
from rpo_exp.training.trainer import Split, Trainer


@dataclass
class Contender:
    """A step function, the model it trains and what ends it (TRL's thread)."""

    step: Callable[[], object]
    model: torch.nn.Module
    close: Callable[[], None] = field(default=lambda: None)

    def parameters(self) -> tuple[int, int]:
        """(all parameters, trainable parameters)."""
        params = list(self.model.parameters())
        return sum(p.numel() for p in params), sum(p.numel() for p in params if p.requires_grad)


def build_model(cfg: DictConfig, vocab_size: int) -> PreTrainedModel:
    """The policy of `cfg.model` in its dtype, the same weights every call; built on the
    device (seconds at 7B, where the CPU would take minutes)."""
    torch.manual_seed(SEED)
    with torch.device(DEVICE):
        return load_policy(cfg.model, vocab_size)


def fresh_accelerate_state() -> None:
    """Forget accelerate's process-wide state: TRL's trainer sets its mixed precision in it,
    which a later `Accelerator()` would refuse to change."""
    AcceleratorState._reset_state()
    GradientState._reset_state()


def ours(
    cfg: DictConfig,
    vocab_size: int,
    items: list[Item],
    embeddings: torch.Tensor | None,
    pad_id: int,
) -> Contender:
    """rpo_exp's step (the loss of `cfg.loss`) on all of `items` as one batch: reference
    log-probs precomputed, then `Trainer.optimizer_step` (backward, clip, update) per call."""
    objective, _, layout = validate(cfg)
    model = attach(build_model(cfg, vocab_size), cfg.peft)
    accelerator = Accelerator(cpu=DEVICE.type == "cpu")
    trainer = Trainer(
        cfg=cfg.trainer,
        model=model,
        objective=objective,
        layout=layout,
        pad_id=pad_id,
        accelerator=accelerator,
    )
    split = Split(items)
    if objective.needs_embeddings:
        split.embeddings = embeddings
    batch = list(range(len(items)))
    split.ref = trainer.reference_table(split, trainer.sequence_keys(split, [batch]), "ref")
    return Contender(
        lambda: trainer.optimizer_step(split, batch), trainer.model, accelerator.free_memory
    )


def bare(cfg: DictConfig, vocab_size: int, items: list[Item], pad_id: int) -> Contender:
    """Policy forward + backward + RMSprop step, full-vocabulary fp32 log-softmax, each
    sequence in its own padded row (as most trainers score)."""
    model = build_model(cfg, vocab_size)
    sequences = [(it.prompt_ids, r) for it in items for r in it.response_ids]
    width = max(len(p) + len(r) for p, r in sequences)
    input_ids = torch.full((len(sequences), width), pad_id)
    attention_mask = torch.zeros_like(input_ids)
    response_mask = torch.zeros_like(input_ids, dtype=torch.bool)
    for row, (p, r) in enumerate(sequences):
        input_ids[row, : len(p) + len(r)] = torch.tensor(p + r)
        attention_mask[row, : len(p) + len(r)] = 1
        response_mask[row, len(p) : len(p) + len(r)] = True
    input_ids, attention_mask = input_ids.to(DEVICE), attention_mask.to(DEVICE)
    response_mask = response_mask.to(DEVICE)
    optimizer = torch.optim.RMSprop(model.parameters(), lr=cfg.trainer.lr)

    def step() -> None:
        logits = model(input_ids=input_ids, attention_mask=attention_mask).logits
        logps = torch.log_softmax(logits[:, :-1].float(), -1)
        token = logps.gather(-1, input_ids[:, 1:, None])[..., 0]
        (-(token * response_mask[:, 1:]).sum()).backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    return Contender(step, model)


class Stepper:
    """TRL's `trainer.train()` in a thread that stops at the end of each optimizer step until
    the next call: one call = one of TRL's own steps (from the end of the previous one, so its
    batch collation counts, as ours collates inside its step). The first call also runs what
    `train()` does before its first step (TRL's reference pass): call it as a warm-up."""

    def __init__(self, trainer) -> None:
        from transformers import TrainerCallback

        self.go, self.done = threading.Semaphore(0), threading.Semaphore(0)
        self.error: BaseException | None = None
        self.stop = self.finished = False
        self.steps = 0  # optimizer steps TRL has finished
        gate = self

        class Gate(TrainerCallback):
            def on_step_end(self, args, state, control, **kwargs):
                gate.steps = state.global_step
                gate.done.release()
                gate.go.acquire()
                control.should_training_stop = gate.stop

        trainer.add_callback(Gate())
        self.thread = threading.Thread(target=self.train, args=(trainer,), daemon=True)
        self.thread.start()

    def train(self, trainer) -> None:
        try:
            self.go.acquire()
            with warnings.catch_warnings():  # transformers 5 renames what TRL 1.16 reads
                warnings.simplefilter("ignore", FutureWarning)
                trainer.train()
        except BaseException as err:  # re-raised in the caller's thread
            self.error = err
        finally:
            self.finished = True
            self.done.release()

    def __call__(self) -> None:
        if self.finished:
            raise RuntimeError("TRL's trainer stopped before the bench's last step")
        before = self.steps
        self.go.release()
        self.done.acquire()
        if self.error is not None:
            raise self.error
        if self.steps != before + 1:
            raise RuntimeError(f"TRL's trainer took {self.steps - before} steps, not 1")

    def close(self) -> None:
        """Let `train()` return after the step it stopped at."""
        if not self.finished:
            self.stop = True
            self.go.release()
        self.thread.join()


def lora_config(peft: DictConfig):
    """peft's `LoraConfig` of `peft=lora`, as `adapters.attach` builds it."""
    from peft import LoraConfig

    targets = peft.target_modules
    return LoraConfig(
        r=peft.r,
        lora_alpha=peft.alpha,
        lora_dropout=peft.dropout,
        target_modules=OmegaConf.to_container(targets) if OmegaConf.is_list(targets) else targets,
        task_type="CAUSAL_LM",
    )


def trl(
    cfg: DictConfig,
    vocab_size: int,
    items: list[Item],
    tokenizer: PreTrainedTokenizerBase,
    steps: int,
) -> Contender:
    """TRL's `DPOTrainer` on the same token ids, model and settings (precomputed reference
    log-probs, `cfg`'s batch, micro-batch, lr, clip, precision and checkpointing, RMSprop, a
    constant schedule; `padding_free` off: TRL 1.16 documents it as unavailable for DPO); at
    most `steps` calls after the warm-up one. Its weight hashing (its reference cache's key:
    every weight copied to the CPU, minutes at 7B) is bypassed: not part of a step."""
    import trl.trainer.dpo_trainer as dpo_trainer
    from datasets import Dataset, disable_progress_bars
    from transformers import PrinterCallback
    from trl import DPOConfig, DPOTrainer

    class PreTokenized(DPOTrainer):
        """Takes prompt_ids / chosen_ids / rejected_ids as they are (no text to tokenize)."""

        def _prepare_dataset(self, dataset, *args, **kwargs):
            return dataset

    t, model = cfg.trainer, build_model(cfg, vocab_size)
    mixed = precision.resolve(t.precision, next(model.parameters()).dtype) != "fp32"
    peft_config = lora_config(cfg.peft) if cfg.peft.name != "none" else None
    if peft_config is None:
        model = model.float()  # fp32 master weights (under bf16 autocast where mixed), as ours
    data = Dataset.from_dict(
        {
            "prompt_ids": [list(it.prompt_ids) for it in items],
            "chosen_ids": [list(it.response_ids[0]) for it in items],
            "rejected_ids": [list(it.response_ids[1]) for it in items],
        }
    )
    fresh_accelerate_state()
    disable_progress_bars()  # datasets' map bars (caching TRL's reference log-probs)
    hash_module = dpo_trainer.hash_module
    dpo_trainer.hash_module = lambda module: uuid.uuid4().hex  # a fresh reference cache key
    out = f"/tmp/rpo_exp-bench-trl-{uuid.uuid4().hex}"  # save_strategy "no": nothing written
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        args = DPOConfig(
            output_dir=out,
            per_device_train_batch_size=t.micro_batch_size,
            gradient_accumulation_steps=t.batch_size // t.micro_batch_size,
            max_length=t.max_length,  # >= every pair: nothing is truncated
            precompute_ref_log_probs=True,
            precompute_ref_batch_size=max(t.forward_batch_size // 2, 1),  # pairs, as ours
            beta=cfg.loss.beta,
            learning_rate=t.lr,
            optim="rmsprop",
            lr_scheduler_type="constant",
            weight_decay=t.weight_decay,
            max_grad_norm=t.max_grad_norm,
            max_steps=steps + 2,  # the warm-up, the timed steps, the one `close` stops at
            bf16=mixed,
            gradient_checkpointing=t.gradient_checkpointing,
            padding_free=False,
            report_to=[],
            save_strategy="no",
            logging_strategy="no",
            use_cpu=DEVICE.type == "cpu",
            dataloader_num_workers=0,
            seed=SEED,
            disable_tqdm=True,
        )
        trainer = PreTokenized(
            model=model,
            args=args,
            train_dataset=data,
            processing_class=tokenizer,
            peft_config=peft_config,
        )
    trainer.remove_callback(PrinterCallback)  # no metrics dict on stdout
    stepper = Stepper(trainer)

    def close() -> None:
        try:
            stepper.close()
        finally:
            dpo_trainer.hash_module = hash_module
            trainer.accelerator.free_memory()

    return Contender(stepper, trainer.model, close)
