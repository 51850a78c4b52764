"""Build the small offline TL;DR comparisons sample shipped with `rpo_exp` (`tldr_sample/`).

What it is: a hand-written stand-in for the OpenAI TL;DR summarization-comparison data
(`openai/summarize_from_feedback`, config `comparisons`), small enough to ship with the package
and to train/evaluate on without network access. The Reddit-style posts and summaries below
are written by hand for this project (they are not copied from the real dataset), but every
row is in the exact raw schema of that config, one JSON object per line:

    {"info": {"id": "t3_xxxxxx", "post": str, "title": str, "subreddit": str,
              "site": null, "article": null},
     "summaries": [{"text": " ...", "policy": str, "note": null},
                   {"text": " ...", "policy": str, "note": null}],
     "choice": 0 | 1, "worker": "wN", "batch": "batchN", "split": "train" | "valid1",
     "extra": {"confidence": 1..9}}

`choice` is the index of the preferred summary. Summary texts start with a space (as in the
real data, where they follow "TL;DR:"); `policy` is one of sup2 / ppo_xl / pretrain_12b / ref.

Content: 143 first-person posts (13 in each of 11 subreddits), each with one good summary
(precise, 8-25 words, covers the key point) and two worse ones: a hand-written one that
contradicts the post, misses its main point or only repeats an irrelevant detail, plus either
the post title or a generic too-vague summary. Every post yields two rows (good vs each worse
summary); which position holds the good summary is random but balanced within each split.
The split is by post: 3 posts of every subreddit are held out for test (`split` "valid1"),
so train and test share no post and test covers every subreddit.

Regenerate (deterministic, `random.Random(0)`, standard library only):

    python scripts/samples/build_tldr_sample.py

This rewrites `tldr_sample/train.jsonl` and `tldr_sample/test.jsonl` in `rpo_exp/data/samples/`.
"""

from __future__ import annotations

import json
import random
import string
from dataclasses import dataclass
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parents[2] / "rpo_exp" / "data" / "samples" / "tldr_sample"
N_TEST_PER_SUBREDDIT = 3
POLICIES = ("sup2", "ppo_xl", "pretrain_12b", "ref")

# Records: "T:" title, "P:" post, "G:" good summary, "B:" worse summary (kind in brackets:
# contra = contradicts the post, miss = misses the main point, detail = irrelevant detail).
# Indented lines continue the previous field; "# name" starts a subreddit.
DATA = """
# relationships

T: Me [27F] with my boyfriend [29M] of 3 years, he keeps cancelling plans last minute
P: We set plans at least a week ahead, and for the last two months he has cancelled almost every
   one of them on the day, usually saying he is too tired after work. Last Saturday I had bought
   concert tickets and he texted an hour before that he wanted to stay in. When I bring it up he
   says I am overreacting and that he just needs downtime. I love him but I am starting to feel
   like I am not a priority. How do I talk to him about this without it turning into a fight?
G: boyfriend of 3 years keeps cancelling plans last minute, even a concert, and brushes it off.
   how do I raise it without a fight?
B: [contra] boyfriend always keeps our plans but I feel like I'm overreacting about needing
   downtime.

T: My [22M] best friend [22M] started dating my ex and didn't tell me
P: I dated Sarah for about a year and we broke up six months ago, mostly on good terms. This
   weekend I found out from a mutual friend that my best friend Jake has been seeing her for two
   months. He never mentioned it even though we hang out every week. I'm not even mad that
   they're dating, I'm hurt that he hid it from me. Should I confront him or just let it go and
   act like I don't know?
G: best friend secretly dated my ex for two months; I'm fine with them dating but hurt he hid
   it. confront him or let it go?
B: [detail] dated sarah for about a year and we hang out every week with mutual friends.

T: Girlfriend [25F] is moving across the country for grad school, I [26M] love my job
P: My girlfriend of four years just got accepted into her dream PhD program, which is about
   2,000 miles away. I am incredibly proud of her. The problem is I finally landed a job I
   actually like after years of bouncing around, and my whole family is here. She asked if I
   would come with her and I froze. The program is five years. Long distance for that long
   sounds impossible, but quitting feels like giving up everything I've built. How have other
   people handled this?
G: girlfriend of 4 years got into a 5-year phd 2,000 miles away; moving means leaving a job I
   love, long distance seems impossible.
B: [miss] my girlfriend got into grad school and I'm really proud of her.

T: My [30F] husband [32M] spends hours every night on video games and ignores me
P: He plays from right after dinner until 1am most nights. We've been married two years, and
   before the wedding he only played occasionally. I've asked him to set aside two nights a week
   for us, and he agreed, then went back to his old routine within a week. I end up going to bed
   alone and feeling like his roommate. I don't want to ban games, I just want some of his time.
   How do I get through to him?
G: husband games every night until 1am and broke his promise of two nights a week for us; I feel
   like a roommate.
B: [contra] I want my husband to quit video games completely because I hate gaming.

T: Is it weird that my [24F] boyfriend [25M] still texts his ex every day?
P: My boyfriend and I have been together eight months. His ex of five years texts him basically
   every day: memes, updates about her life, sometimes late at night. He says they are just
   friends and that I'm being insecure. He showed me some of the messages and they seem
   harmless, but the volume bothers me. I've never had a partner who stayed this close with an
   ex. Am I being unreasonable to ask him to tone it down?
G: boyfriend of 8 months texts his ex of 5 years daily; the messages seem harmless but bother
   me. is asking him to cut back unreasonable?
B: [contra] boyfriend showed me his messages and they seem harmless, so everything is fine now.

T: My [19F] parents don't approve of my boyfriend [21M] because he dropped out of college
P: I've been dating Marcus for a year. He left college after one semester to become an
   electrician apprentice and now makes decent money and is really responsible. My parents
   refuse to meet him and keep calling him a dropout. They say I am throwing my future away. I
   still live at home during summers and the tension is awful. I don't want to choose between
   them, but I'm tired of defending him. How do I get my parents to at least give him a chance?
G: parents won't meet my boyfriend because he left college for an electrician apprenticeship.
   how do I get them to give him a chance?
B: [detail] my boyfriend makes decent money as an apprentice and I live at home during summers.

T: Found out my fiancee [27F] has $40k in credit card debt she never mentioned
P: We're getting married in five months and started merging finances. While setting up a joint
   budget, I saw statements for three credit cards totaling about $40,000. She admitted she'd
   been hiding it because she was ashamed. Most of it is from before we met. I'm not leaving
   over money, but I'm shaken that she kept it from me for two years. Should we postpone the
   wedding until we sort this out, or am I overreacting?
G: five months before our wedding I found my fiancee hid $40k of credit card debt for two years.
   postpone the wedding or am I overreacting?
B: [contra] fiancee told me about her debt from the start and we're splitting it.

T: My best friend and roommate [26F] is moving out and leaving me with the lease
P: We signed a one-year lease together in March. Yesterday she told me she's moving in with her
   boyfriend next month and assumed I'd find someone to take her room. Rent is $1,800 and I
   can't cover it alone. She offered to pay one more month but said after that it's on me. We've
   been friends since high school and I don't want to ruin that, but I feel blindsided. What are
   my options here?
G: best friend and roommate is leaving mid-lease to live with her boyfriend and will pay one
   more month; I can't afford $1,800 alone.
B: [miss] my best friend since high school has a boyfriend now.

T: Boyfriend [31M] says I [29F] spend too much time with my family
P: I see my parents and sister every Sunday for dinner and talk to my mom most days. My
   boyfriend of two years says it's excessive and that I put them ahead of him. He isn't close
   with his own family, so I think that shapes how he sees it. I've offered to skip every other
   Sunday or bring him along, but he says that's not the point. I don't know what he actually
   wants from me.
G: boyfriend says weekly family dinners and daily calls with my mom are too much and rejects my
   compromises. what does he want?
B: [contra] boyfriend wants me to see my family more often but I don't want to.

T: My [23M] girlfriend [23F] read my journal and now wants to break up
P: I keep a private journal to deal with anxiety. A few months ago I wrote about doubting our
   relationship during a rough patch, which has since passed. She found it while I was at work
   and read the whole thing. Now she says she can't trust me and wants to break up. I feel like
   she violated my privacy, but I also understand why she was hurt by what she read. Is there
   any way to fix this?
G: girlfriend read my private journal, found old doubts about us and wants to break up; I feel
   violated but understand her hurt.
B: [detail] I keep a journal to help with my anxiety.

T: How do I [34F] tell my husband [35M] I don't want a second child?
P: We have a three-year-old daughter and my husband has always talked about having two kids. I
   used to agree, but after a hard pregnancy, postpartum depression and going back to work, I
   honestly feel like our family is complete. He brings up trying again every few weeks and I
   keep changing the subject. I know I need to be honest but I'm scared he'll resent me. How do
   I start this conversation?
G: husband wants a second child but after a hard pregnancy and postpartum depression I don't.
   how do I tell him honestly?
B: [miss] we have a three-year-old daughter and I went back to work.

T: Friend [25F] keeps borrowing money from me [26F] and never pays it back
P: My friend Lisa has borrowed money from me five times this year, $50 here, $200 there, about
   $600 total. Every time she promises to pay me back on payday and never does. When I mention
   it she gets defensive and says I'm being petty because I make more than her. I value the
   friendship but it's starting to feel like I'm an ATM. How do I ask for the money back, or at
   least stop lending without losing her?
G: friend has borrowed about $600 this year without repaying and gets defensive when asked. how
   do I stop lending without losing her?
B: [contra] lisa always pays me back on payday but I lent her too much.

T: My [20F] long distance boyfriend [20M] wants to take a break during finals
P: We're at different colleges about six hours apart and have been together since senior year of
   high school. He called last night and said he wants to take a "break" until finals are over
   because he's stressed and can't focus. He insists it isn't about me and that we'll pick up
   after. I want to support him, but a break feels like the first step to breaking up. Should I
   agree to it?
G: long distance boyfriend wants a "break" until finals because of stress; I fear it's a step
   toward breaking up. should I agree?
B: [detail] we go to colleges six hours apart and started dating senior year.

# personalfinance

T: 24 with $30k in student loans and a $55k job, pay off or invest?
P: I just started my first full-time job making $55,000 a year. I have about $30,000 in federal
   student loans at rates between 4.5% and 6.8%. My employer matches 401k contributions up to
   4%. I have $3,000 in savings and no other debt. I've read a lot of conflicting advice online.
   Should I throw everything at the loans, or prioritize investing while I'm young?
G: 24, $55k salary, $30k of loans at 4.5-6.8%, 4% 401k match, $3k saved. pay loans aggressively
   or invest first?
B: [miss] just started my first full-time job and read conflicting advice online.

T: My car is dying, repair it or take out a used car loan?
P: My 2009 Corolla has 210,000 miles and the mechanic says the transmission is failing. The
   repair is $3,200, and the car is worth maybe $2,500 running. I have $4,000 in an emergency
   fund. A dealer offered me a 2018 Civic for $16,000 at 7% APR over five years. I need a car to
   commute 40 minutes to work. Which is the smarter move?
G: 2009 corolla needs a $3,200 transmission but is worth $2,500. repair it with my $4k fund or
   finance a $16k civic at 7%?
B: [contra] my car is in great shape but I want to buy a new civic anyway.

T: Got a $9,000 bonus, what should I do with it?
P: I'm 31 and just received a $9,000 bonus after taxes. I have $6,000 left on a car loan at
   3.9%, a $2,500 credit card balance at 22% APR, and an emergency fund covering about one month
   of expenses. I contribute 6% to my 401k and get a full match. I'm tempted to take a trip, but
   I want to be responsible. What order should I use this money in?
G: $9k bonus; I have $2,500 of credit card debt at 22%, a 3.9% car loan and one month of
   emergency fund. how to allocate it?
B: [detail] I'm 31 and contribute 6% to my 401k with a full match.

T: Should I lend my brother $5,000 for his business?
P: My younger brother wants to open a food truck and asked me for $5,000 to help with the down
   payment on the truck. He's had two business ideas fail in the last four years and still owes
   our parents money from the last one. I have about $20,000 saved and could technically afford
   it. I love him and want to support him, but I'm worried I'll never see the money again and
   it'll hurt our relationship.
G: brother with two failed businesses and unpaid debt to our parents wants $5k for a food truck;
   I fear I won't get it back.
B: [contra] my brother has a great track record with businesses so I'm lending him the money.

T: Rent is 50% of my income, am I in trouble?
P: I moved to a new city for a job and pay $1,600 a month in rent on $3,200 take-home pay. After
   utilities, groceries, my phone and my student loan payment, I have about $200 left each month
   and nothing going into savings. My lease runs for another nine months. I can't find a
   roommate because it's a one-bedroom. What can I do to get out of this hole?
G: rent takes half of my $3,200 take-home; $200 left monthly, no savings, 9 months left on a
   one-bedroom lease. options?
B: [miss] moved to a new city for a job and have a phone bill and a student loan.

T: 22, first job, no idea how to start budgeting
P: I just graduated and started a job paying $48,000. I've never had a budget and I don't really
   know where my money goes. My paycheck comes every two weeks and by the second week I'm
   usually low on cash, even though I don't think I spend on anything crazy. I have no debt,
   thankfully. Is there a simple method to start with that doesn't require tracking every
   coffee?
G: 22, new $48k job, no debt, always low on cash before payday. looking for a simple budget that
   doesn't track every purchase.
B: [contra] I have a detailed budget and track every coffee, but I'm deep in debt.

T: Employer accidentally paid me twice this month
P: My direct deposit came in twice on Friday, so I got an extra $2,400. I told HR on Monday and
   they said payroll would "reach out." It's been three weeks and nobody has contacted me. I
   don't want to spend it, but I also don't want it sitting in my checking account forever.
   Should I move it to savings, keep following up, or is there a chance they just forget?
G: employer paid me twice ($2,400 extra); I told HR three weeks ago and heard nothing. what do I
   do with the money meanwhile?
B: [detail] my direct deposit comes on fridays and I talked to HR on a monday.

T: Is it worth paying off my mortgage early at 3%?
P: My wife and I are both 38 with a $240,000 mortgage at 3% fixed and 25 years left. We max out
   our 401ks, have a six-month emergency fund and no other debt. We have an extra $1,500 a
   month. My wife wants to put it toward the mortgage so we're debt-free sooner. I'd rather
   invest it in a taxable brokerage account. Who's right, or is there a middle ground?
G: 38, $240k mortgage at 3%, maxing 401ks, 6-month fund. should an extra $1,500/month go to the
   mortgage or a brokerage account?
B: [miss] my wife and I are both 38 and have a mortgage.

T: Got scammed out of $800 on a rental listing, any way to get it back?
P: I found an apartment on a listing site that looked legit. The "landlord" said he was out of
   the country and asked me to send the deposit through Zelle to hold the unit. I sent $800.
   When I went to see the place, the actual owner had no idea what I was talking about, and the
   guy stopped answering. I reported it to my bank and the police. Is there any realistic way to
   recover the money?
G: sent an $800 deposit by zelle to a fake landlord from a rental listing and reported it. any
   way to recover it?
B: [contra] the landlord was legit and I moved in, but the deposit was $800.

T: Should I close my oldest credit card because of the annual fee?
P: I'm 29 and my oldest credit card, opened when I was 19, just started charging a $95 annual
   fee. I rarely use it. My credit score is around 760 and I have two other no-fee cards. I've
   heard closing an old account can hurt your score because of average account age and
   utilization. I'm planning to buy a house in about a year. Is it worth keeping it open?
G: my 10-year-old card now has a $95 fee; score 760 and buying a house in a year. will closing
   it hurt my credit?
B: [detail] I'm 29 and have two other credit cards.

T: Parents want me to co-sign their car loan
P: My parents are in their late fifties and their credit took a hit after my dad's medical
   bills. They want to buy a new SUV for $38,000 and asked me to co-sign. I'm 27, have good
   credit, and I'm saving for a house. I know that if they miss payments it's on me. They're
   upset that I'm hesitating and say family helps family. How do I handle this?
G: parents with damaged credit want me to co-sign a $38k suv loan while I save for a house, and
   are upset that I hesitate.
B: [miss] my dad had medical bills and my parents are in their late fifties.

T: Emergency fund: high-yield savings or I bonds?
P: I've built a $15,000 emergency fund that's sitting in my regular checking account earning
   nothing. I want to move it somewhere that earns interest but stays accessible. I've seen
   people recommend high-yield savings accounts and others recommend I bonds. I understand I
   bonds have a one-year lockup. I'm not sure which makes more sense or whether I should split
   it.
G: $15k emergency fund earns nothing in checking. high-yield savings vs i bonds with a one-year
   lockup, or split it?
B: [contra] my emergency fund is invested in stocks and I want to move it to checking.

T: Cancelled my gym membership but they keep charging me
P: I cancelled my gym membership in person four months ago and the front desk told me it was
   done. I've been charged $45 every month since. When I called, they said there's no record of
   the cancellation and that I have to send a certified letter. I have an email confirmation
   from the day I cancelled. Should I dispute the charges with my credit card company?
G: gym keeps charging $45/month four months after I cancelled in person; I have an email
   confirmation. dispute with my card?
B: [detail] the gym told me to send them a certified letter.

# legaladvice

T: [CA] Landlord is keeping my entire security deposit for "normal wear and tear"
P: I moved out of my apartment in Sacramento after three years. I cleaned everything and took
   photos on move-out day. Three weeks later the landlord sent a letter saying he's keeping my
   whole $2,000 deposit for repainting and carpet cleaning. There were no holes or stains, just
   normal wear after three years. He didn't provide receipts. What can I do to get my deposit
   back?
G: california landlord kept my whole $2,000 deposit for paint and carpet after a 3-year tenancy
   with no damage and no receipts.
B: [contra] I damaged my apartment and the landlord fairly kept my deposit.

T: [TX] Neighbor's dead tree fell on my fence, who pays?
P: During a storm last week, a large oak from my neighbor's yard fell and crushed about 30 feet
   of my fence. The tree had been visibly dead for over a year and I had mentioned it to him
   twice. He says it's an act of God and my insurance should cover it. My deductible is $1,000
   and the repair quote is $2,800. Is he liable since he knew the tree was dead?
G: neighbor's dead oak, which I warned him about twice, crushed my fence; repair is $2,800. is
   he liable or is it on my insurance?
B: [miss] there was a big storm in texas last week.

T: [NY] Employer says I must pay for a laptop stolen from my car
P: My work laptop was stolen from my locked car while I was at a grocery store after work. I
   filed a police report right away. My manager now says I'm responsible for the $1,400
   replacement and they'll take it out of my next two paychecks. I never signed anything saying
   I'd be liable for equipment. Can they legally deduct this from my pay in New York?
G: work laptop was stolen from my locked car; employer will deduct $1,400 from my pay though I
   signed nothing. legal in new york?
B: [contra] I signed an agreement to pay for the laptop and my employer is letting it go.

T: [FL] Got rear-ended, other driver's insurance is lowballing me
P: A driver rear-ended me at a red light two months ago. The police report puts him at fault. My
   car needed $6,500 in repairs and I've been going to physical therapy for neck pain. His
   insurance offered $3,000 total for everything, saying my injuries aren't serious. I don't
   want to drag this out, but $3,000 doesn't even cover the car. Do I need a lawyer for this?
G: rear-ended by an at-fault driver; his insurer offers $3,000 total though repairs were $6,500
   plus physical therapy. need a lawyer?
B: [detail] it happened at a red light two months ago.

T: [OH] Ex won't return my dog after our breakup
P: My ex and I lived together for two years. I adopted our dog before we met, and the adoption
   papers and vet records are in my name. When I moved out last month, she said the dog would
   stay with her "for a few days" while I got settled. Now she's refusing to give him back and
   says he's happier with her. What legal options do I have to get my dog back?
G: ex won't return the dog I adopted before we met, papers and vet records in my name, after
   saying it was for a few days.
B: [contra] my ex adopted the dog and I want to take him from her.

T: [IL] HOA is fining me $50 a day for a basketball hoop
P: I put a portable basketball hoop in my driveway for my kids. The HOA sent a letter saying it
   violates the rules and fined me $50 per day until it's removed. I checked the bylaws and
   can't find anything about hoops, only about permanent structures. About half the street has
   similar hoops and nobody else was fined. Can they actually fine me for this?
G: HOA fines me $50/day for a portable hoop, but the bylaws only ban permanent structures and
   neighbors with hoops weren't fined.
B: [miss] I bought a basketball hoop for my kids.

T: [WA] Contractor took my deposit and disappeared
P: I hired a contractor to redo my bathroom and paid a $4,500 deposit in March. He came once,
   tore out the old tile, and hasn't returned in seven weeks. He stopped answering calls and
   texts. I have a signed contract and the cancelled check. Now my bathroom is unusable. Where
   do I start: small claims, a complaint to the state, or a lawyer?
G: contractor took a $4,500 deposit, tore out my bathroom tile and vanished for seven weeks; I
   have the contract and cancelled check.
B: [detail] I signed the contract in march and paid with a check.

T: [PA] Boss wants us to work off the clock to "finish inventory"
P: I'm an hourly employee at a retail store. My manager has been asking us to clock out at
   closing time and then stay another hour to finish inventory and cleaning. She says everyone
   does it and it's part of the job. I've done it about ten times now. I need this job, but this
   doesn't seem legal. Can I recover pay for the hours I already worked?
G: retail manager has hourly staff clock out and then work another hour; I've done it ten times.
   is it legal and can I recover pay?
B: [contra] my manager pays overtime for inventory and I want to work more hours.

T: [GA] Got a collection letter for a debt I've never heard of
P: I got a letter from a collection agency saying I owe $1,850 to a telecom company for an
   account opened in 2016. I've never had service with that company. I checked my credit report
   and the debt shows up there too. I'm worried it's identity theft or a mistake. I don't want
   to pay something I don't owe. What's the right way to respond?
G: collector says I owe $1,850 on a 2016 telecom account I never opened, and it's on my credit
   report. how should I respond?
B: [miss] I checked my credit report after getting a letter.

T: [MI] Landlord keeps entering my apartment without notice
P: Three times in the past month I've come home to find things moved in my apartment. My
   landlord admitted he came in to "check the smoke detectors" and "look at the heater," without
   texting or emailing first. My lease says he needs to give 24 hours notice except in
   emergencies. I feel really uncomfortable. What can I do to make him stop?
G: landlord entered my apartment three times this month without the 24-hour notice my lease
   requires. how do I make him stop?
B: [contra] my landlord always gives 24 hours notice before checking the smoke detectors.

T: [NC] Got a ticket for a stop sign hidden behind a bush
P: I got a $150 ticket for running a stop sign at an intersection near my new apartment. The
   sign is almost completely covered by an overgrown bush, so I honestly didn't see it. I went
   back the next day and took photos from the driver's perspective. It's my first ticket ever.
   Is it worth contesting in court, and what should I bring?
G: got a $150 ticket at a stop sign hidden by a bush and have photos. worth contesting my first
   ticket, and what to bring?
B: [detail] I recently moved to a new apartment near an intersection.

T: [AZ] Dealership sold me a car with an undisclosed accident
P: I bought a used SUV for $22,000 last month. The dealer said it had a clean history. When I
   took it in for new tires, the mechanic pointed out frame repair and mismatched paint. A
   Carfax I ran afterward shows a major accident in 2021. The dealer now says the car was sold
   "as is." Do I have any recourse?
G: dealer said my $22k used suv had a clean history but it had a major 2021 accident; now they
   say "as is." any recourse?
B: [miss] I bought new tires for my suv last month.

T: [MA] Former employer won't pay my final paycheck
P: I quit my job at a restaurant with two weeks notice. It's been a month since my last shift
   and I still haven't received my final paycheck, about $900. The owner keeps saying he's
   "working on it" and that I should be patient. I heard Massachusetts has strict rules about
   final pay. What should I do next?
G: restaurant owner still hasn't paid my final $900 a month after I quit with notice. what are
   my options in massachusetts?
B: [contra] I was fired and got my final paycheck the same day.

# dogs

T: My rescue dog panics every time I leave the house
P: I adopted a three-year-old shepherd mix two months ago. Whenever I leave, even for ten
   minutes, he howls, scratches the door and has chewed the trim off the frame. My neighbors
   have complained about the noise. I've tried leaving treats and a radio on, but he ignores the
   treats until I'm back. I work from home three days a week, so the other two days are hard.
   How do I help him with separation anxiety?
G: newly adopted shepherd mix howls and wrecks the door frame whenever I leave, even briefly;
   treats don't help. separation anxiety tips?
B: [contra] my dog is calm when I leave but ignores his treats.

T: Puppy bites everything and won't stop, help
P: Our 12-week-old lab puppy bites constantly: hands, ankles, the couch, our kids' sleeves.
   We've tried yelping like the internet says, but it seems to make him more excited. My
   seven-year-old is now scared of him. We give him chew toys but he prefers us. Is this normal
   at this age, and how do we get through it without making it worse?
G: 12-week lab puppy constantly bites hands, ankles and the kids; yelping makes it worse and my
   7-year-old is scared. normal? how to fix?
B: [detail] we bought chew toys for our lab puppy.

T: Senior dog suddenly drinking a lot of water
P: My 11-year-old beagle has started drinking far more than usual over the past week, emptying
   her bowl three or four times a day. She's also had two accidents in the house, which she
   never does. Her appetite is normal and she seems happy otherwise. I have a vet appointment in
   ten days. Should I try to get her in sooner, or is this something that can wait?
G: my 11-year-old beagle suddenly drinks much more water and had accidents inside; vet visit is
   in 10 days. should I go sooner?
B: [contra] my beagle stopped drinking water and won't eat.

T: My dog pulls so hard on the leash my shoulder hurts
P: I have a 70-pound husky mix and walks have become miserable. He pulls constantly, especially
   when he sees squirrels or other dogs. I've tried stopping every time he pulls, but then we
   never get anywhere. A trainer at the pet store suggested a prong collar, but I'm not
   comfortable with that. Are front-clip harnesses actually worth it, or is there another
   approach?
G: 70 lb husky mix pulls hard on walks; stopping hasn't worked and I don't want a prong collar.
   are front-clip harnesses worth it?
B: [miss] my dog sees a lot of squirrels on our walks.

T: Dog ate part of a chocolate brownie, do I need the emergency vet?
P: I came back from the kitchen and my 25-pound terrier had eaten about half of a brownie off
   the coffee table. It was made with semi-sweet chocolate chips. He seems totally normal right
   now, wagging and begging for more. It's 10pm and the emergency vet is 40 minutes away. I
   called poison control and they want $85 for a consult. Is this an emergency?
G: my 25 lb terrier ate half a semi-sweet chocolate brownie at 10pm and seems fine. is it worth
   the emergency vet or poison control fee?
B: [detail] the emergency vet is 40 minutes away from my house.

T: How do I introduce my dog to our new baby?
P: We're expecting our first child in six weeks. Our four-year-old border collie is very
   attached to me and gets jealous when my husband and I hug. She's never been around babies.
   I'm worried about how she'll react when we bring the baby home and she isn't the center of
   attention anymore. What steps should we take now to prepare her?
G: first baby due in 6 weeks; our clingy, jealous border collie has never been around babies.
   how do we prepare her now?
B: [contra] our dog loves babies and we already have three kids.

T: Dog keeps getting out of our fenced yard and we can't figure out how
P: Our two-year-old mixed breed has escaped our backyard four times in two weeks. The fence is
   five feet tall and we've walked the entire perimeter looking for holes. We even set up a
   camera, but she only got out when it wasn't recording. Last time she ended up near a busy
   road. How do dogs usually escape, and what can we do?
G: dog escaped our 5-foot fenced yard four times in two weeks, once near a busy road, and we
   can't find how. ideas?
B: [miss] we set up a camera in our backyard.

T: Is it okay to leave a dog alone for 9 hours while I work?
P: I'm thinking of adopting a dog, but my job requires me to be out of the house about nine
   hours a day including the commute. I live alone in an apartment. I could afford a dog walker
   twice a week, but not every day. I don't want to be unfair to a dog. Is this realistic, and
   are there breeds or ages that handle long days better?
G: want to adopt but I'm gone 9 hours a day, live alone in an apartment and can afford a walker
   twice a week. realistic?
B: [contra] I work from home all day and want to hire a dog walker.

T: My dog growls when anyone approaches his food bowl
P: My one-year-old rescue mutt has started growling and stiffening when anyone walks near him
   while he eats. Yesterday he snapped at my partner, who was just walking past to the fridge.
   He's fine the rest of the time and loves everyone. We have friends with small kids who visit
   often. Is this fixable, and what should we avoid doing?
G: my one-year-old rescue growls at anyone near his food bowl and snapped at my partner; friends
   with kids visit often. fixable?
B: [detail] my partner walked over to the fridge yesterday.

T: Best way to keep my dog cool during a heat wave?
P: We're in the middle of a heat wave, with temperatures hitting 102 degrees this week, and our
   apartment's AC struggles to keep up. My dog is a black Newfoundland and he's panting heavily
   even indoors. We've been walking him only at 6am and 9pm. What else can we do to keep a big,
   fluffy dog safe in this heat?
G: black newfoundland pants heavily indoors in a 102-degree heat wave with weak AC; we already
   walk early and late. how else to cool him?
B: [miss] it is really hot where I live this week.

T: Vet says my dog needs $3,000 dental surgery, is that normal?
P: I took my eight-year-old chihuahua in for a cleaning and the vet said he needs seven teeth
   extracted, with a total estimate of $3,000. That seems like a lot. He does have bad breath,
   but he's eating fine. I want to do what's right for him, but I don't have that much saved. Is
   this price typical, and is it worth getting a second opinion?
G: vet quoted $3,000 to pull seven teeth from my 8-year-old chihuahua who eats fine. is that
   typical, or should I get a second opinion?
B: [contra] my chihuahua's teeth are perfect but he won't eat.

T: My dog is terrified of fireworks and July 4th is coming
P: Last year my golden retriever hid in the bathtub shaking for five hours during the fireworks,
   and he wouldn't eat the next day. Our neighborhood sets them off for about a week around the
   holiday. I want to be prepared this time. I've heard about thundershirts, calming chews and
   medication from the vet. What has actually worked for your dogs?
G: my golden shook in the bathtub for hours during last year's fireworks. what works before july
   4th: thundershirt, chews or vet meds?
B: [detail] our neighborhood celebrates july 4th for about a week.

T: Should I get a second dog to keep my first one company?
P: My three-year-old corgi seems bored and a bit depressed when I'm at work. She's very social
   at the dog park and loves other dogs. I'm thinking about adopting a second dog, but I'm
   worried about double the costs and whether they'll get along. My apartment is small but
   allows two pets. Is a second dog a good fix for a lonely dog?
G: my social corgi seems bored and down alone while I work; is a second dog a good fix despite
   the cost and compatibility worries?
B: [contra] my corgi hates other dogs so I'm rehoming her.

# cats

T: My cat keeps peeing outside the litter box
P: My five-year-old neutered male cat has started peeing on the bath mat and on laundry left on
   the floor. This started about two weeks ago. Nothing has changed in the house except that we
   switched to a cheaper clumping litter. He still uses the box to poop. I've cleaned the spots
   with enzyme cleaner. Could the litter really be the cause, or should I take him to the vet?
G: neutered cat started peeing on the bath mat and laundry after we switched to cheaper litter
   two weeks ago. litter or vet problem?
B: [contra] my cat has always used his litter box perfectly.

T: How do I introduce a new kitten to my older cat?
P: I just adopted a ten-week-old kitten, and my nine-year-old female cat is not happy. She
   hisses and growls whenever the kitten comes near, and she's been hiding under the bed. The
   kitten is curious and keeps trying to play with her. Right now I have the kitten in a spare
   bedroom. How long does the introduction usually take, and how do I do it properly?
G: my 9-year-old cat hisses and hides since I adopted a 10-week kitten, now kept in a spare
   room. how do I introduce them properly?
B: [detail] I have a spare bedroom and the kitten is ten weeks old.

T: Cat is scratching all my furniture, what actually works?
P: My two-year-old cat has shredded the arms of my couch and is now starting on a new chair. I
   bought a small scratching post, but she completely ignores it. I don't want to declaw her.
   I've tried spraying her with water, but she just does it when I'm not home. What scratching
   posts or tricks have actually worked for you?
G: my cat shreds the couch and ignores her small scratching post, and I won't declaw. what posts
   or tricks really work?
B: [contra] I'm going to declaw my cat because she uses the post too much.

T: Cat stopped eating after we moved apartments
P: We moved to a new apartment four days ago and my cat has barely eaten since. She drinks water
   and uses the litter box, but she's only had a few bites of food each day. She spends most of
   the time hiding in the closet. I know moving stresses cats, but how long is too long for a
   cat to not eat? When should I be worried?
G: my cat has barely eaten in the four days since we moved and hides in the closet. how long
   before not eating is dangerous?
B: [miss] we moved to a new apartment with a big closet.

T: Is it cruel to keep my cat indoors only?
P: I recently adopted a cat from a shelter and I live on a busy street in the city. My family
   back home always let their cats roam outside and they think keeping mine inside is cruel. She
   seems content, sleeps in the sun and plays with toys. But sometimes she sits by the window
   meowing at birds. Am I depriving her of something important?
G: my shelter cat lives indoors on a busy city street and my family calls that cruel. am I
   depriving her of something?
B: [contra] my cat roams outside all day and my family wants her kept inside.

T: My cat wakes me up at 4am every day
P: Every single morning at 4am my cat starts meowing loudly, knocking things off the nightstand
   and pawing at my face. If I feed her, she goes back to sleep. If I don't, she keeps going for
   an hour. I've tried closing the bedroom door, but she scratches and cries outside. I'm
   exhausted. How do I get her to let me sleep?
G: my cat wakes me at 4am daily, meowing and pawing until fed, and closing the door doesn't
   help. how do I stop it?
B: [detail] my cat knocks things off the nightstand.

T: Vet says my cat is obese, how do I help her lose weight?
P: At her checkup, the vet said my six-year-old cat weighs 16 pounds and should be closer to 11.
   I free-feed dry food and she's pretty lazy. I feel terrible because I thought she was just
   "fluffy." The vet suggested a measured diet, but I'm not sure how much to feed or how to get
   her to exercise. Any tips from people who've done this?
G: vet says my free-fed cat is 16 lbs and should be 11. how do I measure her food and get her to
   exercise?
B: [contra] the vet says my cat is underweight and should eat more.

T: Found a stray kitten in my garage, what now?
P: This morning I found a tiny kitten, maybe four weeks old, crying in the corner of my garage.
   There's no sign of the mother and I've been watching for a few hours. It's cold out. I've
   never had a cat and don't know what to feed it or whether I should take it to a shelter. What
   should I do in the next 24 hours?
G: found a ~4-week-old kitten alone in my garage, no mother in sight, and I've never had a cat.
   what do I do now?
B: [miss] it's cold this morning and I have a garage.

T: My cats are fighting after one came back from the vet
P: My two cats have lived together for five years without any problems. Yesterday I took one to
   the vet for a checkup, and since she came back, the other one hisses, growls and attacks her.
   They used to cuddle. I read it might be because she smells like the vet. It's been a full day
   and it's not getting better. How do I fix this?
G: my two bonded cats have fought since one came back from the vet yesterday, maybe because of
   the smell. how do I fix it?
B: [contra] my cats have always hated each other.

T: My cat throws up hairballs almost every week
P: My long-haired cat vomits hairballs about once a week, usually on the carpet. She's four and
   otherwise healthy and eats well. I brush her a couple of times a month. A friend said weekly
   hairballs aren't normal and I should see a vet. Is this just part of having a long-haired
   cat, or should I worry?
G: my healthy long-haired cat throws up hairballs weekly and I brush her twice a month. normal,
   or a reason to see the vet?
B: [detail] my cat usually throws up on the carpet.

T: Should I get pet insurance for my new kitten?
P: I'm adopting a kitten next week and I'm trying to decide whether pet insurance is worth it.
   Quotes are around $25 a month. My last cat had kidney disease and the bills added up to over
   $4,000 in her final year. I could also just put $25 a month into a savings account. For
   people with insurance, has it actually paid off?
G: adopting a kitten; is $25/month pet insurance worth it over saving, given my last cat's
   $4,000+ kidney disease bills?
B: [miss] I'm adopting a kitten next week.

T: My cat will only drink from the bathroom faucet
P: My three-year-old cat refuses to drink from her water bowl. She sits in the sink and yowls
   until I turn on the faucet, then drinks from the stream. I've tried moving the bowl,
   switching to ceramic, and adding ice cubes. I'm worried she isn't drinking enough when I'm
   not home. Would a water fountain help?
G: my cat only drinks from the running faucet and ignores her bowl despite changes; worried
   she's dehydrated when I'm out. would a fountain help?
B: [contra] my cat drinks from her bowl all the time.

T: Adopted a cat who hides all day, will she ever come out?
P: I adopted a two-year-old cat from a shelter ten days ago. She's spent almost all of that time
   behind the washing machine. She comes out at night to eat and use the litter box, but runs
   away if I come near. The shelter said she was surrendered by a family with small kids. I'm
   patient, but I'm starting to wonder if she'll ever warm up to me.
G: shelter cat I adopted 10 days ago hides behind the washer and only comes out at night. will
   she ever warm up?
B: [detail] she was surrendered by a family with small kids.

# running

T: Shin splints every time I increase my mileage
P: I've been running for about a year and I'm training for my first half marathon. Every time I
   go above 20 miles a week, I get shin splints and have to take a week off. I replaced my shoes
   three months ago. I run mostly on concrete sidewalks. Is there a way to build mileage without
   getting hurt every time?
G: training for my first half, I get shin splints whenever I pass 20 miles a week despite new
   shoes. how do I build mileage safely?
B: [contra] I've never had any injuries and I run on trails.

T: How do I stop having to walk during my runs?
P: I'm 35 and started running two months ago. I can run about a mile before I have to walk. My
   breathing gets really heavy while my legs feel fine, but I just can't keep going. I'm trying
   to run a 5k without stopping by the end of summer. Is the problem that I'm running too fast?
G: two months into running, I'm out of breath after a mile though my legs feel fine. am I too
   fast to reach a nonstop 5k?
B: [detail] I'm 35 years old and it's almost summer.

T: Ran my first marathon and I'm disappointed with my time
P: I finished my first marathon on Sunday in 4:48. I trained for 18 weeks and was aiming for
   under 4:15. I was on pace until mile 18, then cramped badly and had to walk a lot of the last
   eight miles. Everyone keeps telling me to be proud, but I feel like I failed. How do I get
   past this, and what could cause the late cramps?
G: finished my first marathon in 4:48 against a sub-4:15 goal after cramping at mile 18; I feel
   like I failed. what causes late cramps?
B: [contra] I beat my marathon goal time by half an hour.

T: Running in the cold, what should I wear?
P: It's my first winter as a runner and temperatures here drop to around 15°F in the mornings. I
   don't want to stop running outside. Last week I wore a cotton hoodie and was freezing at the
   start, then soaked in sweat and freezing again by the end. What layers do you wear in these
   temperatures?
G: first winter running in 15°F mornings; a cotton hoodie left me freezing and soaked. what
   layers should I wear?
B: [miss] it's my first winter as a runner.

T: Knee pain after long runs but not short ones
P: I'm a 28-year-old runner doing about 25 miles a week. Runs under six miles feel great, but on
   my long runs, usually ten miles, the outside of my right knee starts aching around mile
   seven. It goes away a day later. I've read about IT band issues. Should I stop long runs, or
   is there something I can do to keep training?
G: outside of my right knee aches after mile 7 on long runs but not short ones, maybe IT band.
   stop long runs or keep going?
B: [detail] I'm 28 and run about 25 miles per week.

T: Is it bad to run every single day?
P: I started a running streak 60 days ago and have run at least two miles every day since. I
   feel pretty good, but my legs are always a little tired and my pace has stalled. My friend
   says I need rest days. I really like the streak and the routine. Is running every day harmful
   if the mileage is low?
G: on a 60-day streak of 2+ miles daily, my legs are always tired and my pace has stalled. is
   daily low-mileage running harmful?
B: [contra] I run twice a week and take lots of rest days.

T: Got chased by a dog on my route, how should I handle it?
P: Yesterday on my usual morning route, a large dog got out of an unfenced yard and chased me
   for about a block, barking and nipping at my heels. The owner wasn't around. I wasn't hurt,
   but I was really shaken. I don't want to change my route since it's the only safe one near my
   house. What should I do if this happens again?
G: a loose dog chased and nipped at me on my only safe route with no owner around. how should I
   handle it next time?
B: [miss] I run in the morning near my house.

T: How do you fit running into a busy schedule?
P: I work 50 hours a week and have two young kids. Before the kids I ran four times a week, but
   now I'm lucky to get out once. Mornings are hectic and I'm exhausted by evening. I miss how
   running made me feel, and I've gained about 15 pounds. How do other busy parents find time to
   run consistently?
G: with 50-hour weeks and two young kids I run once a week at most and gained 15 lbs. how do
   busy parents fit running in?
B: [contra] I have plenty of free time and run four times a week.

T: Is a treadmill run as good as running outside?
P: I recently joined a gym and have been doing most of my runs on the treadmill because of bad
   weather and dark evenings. My half marathon is outdoors in April. Some people say treadmill
   running is easier and won't prepare me properly. Should I set an incline, and how many of my
   runs need to be outside?
G: doing most winter runs on a treadmill before an outdoor half in april. should I use an
   incline, and how many runs must be outside?
B: [detail] I recently joined a gym.

T: Stomach problems during long runs
P: On any run longer than an hour I get stomach cramps and sometimes have to find a bathroom
   urgently. I usually have coffee and a bagel about an hour before. I've tried running on an
   empty stomach, but then I run out of energy. It's really affecting my training for a 30k
   race. What do you eat before long runs?
G: runs over an hour give me cramps and urgent bathroom stops after coffee and a bagel, and
   running empty drains me. what to eat?
B: [contra] I have no stomach problems on runs, I just love coffee.

T: My race is in 3 days and I think I'm getting sick
P: My first 10k is on Saturday and I woke up today with a sore throat and a stuffy nose. No
   fever so far. I've trained for ten weeks and already paid the $60 entry fee. I don't want to
   make myself worse, but I'd be really disappointed to miss it. Is it safe to race with a cold,
   and should I still run this week?
G: first 10k is in 3 days and I woke up with a sore throat and stuffy nose, no fever. is racing
   with a cold safe?
B: [detail] I paid $60 to enter the race.

T: New runner, which shoes should I buy?
P: I'm about to start a couch to 5k program and I'm currently running in old tennis shoes. I've
   heard that proper running shoes matter, but the options are overwhelming and some cost over
   $150. I have slightly flat feet. Should I go to a specialty store for a gait analysis, or can
   I just buy a well-reviewed pair online?
G: starting couch to 5k in old tennis shoes with slightly flat feet. get a gait analysis at a
   store or buy well-reviewed shoes online?
B: [miss] I'm starting a couch to 5k program.

T: Lost all my motivation after an injury
P: I tore my calf in March and couldn't run for ten weeks. I'm cleared now, but every run feels
   slow and hard compared to before, and I keep finding excuses to skip. Before the injury I was
   running 35 miles a week and loved it. Now I can barely make myself go out for three miles.
   How do you get your motivation back after a long layoff?
G: after a torn calf kept me out for 10 weeks, running feels slow and hard and I keep skipping.
   how do I get motivated again?
B: [contra] since my injury I'm running 35 miles a week and loving it.

# cooking

T: My homemade bread is always dense, what am I doing wrong?
P: I've tried making a basic white sandwich loaf five times and it always comes out dense and
   heavy, like a brick. I use all-purpose flour and instant yeast and follow the recipe exactly.
   I let it rise for an hour, but it never really doubles. My kitchen is pretty cold in winter.
   Could the temperature be the problem, or is it something else?
G: my sandwich loaf comes out dense every time and never doubles in an hour in my cold kitchen.
   is the temperature the problem?
B: [contra] my bread always rises perfectly and comes out light and fluffy.

T: How do restaurants get their steak so much better than mine?
P: I buy decent ribeyes from the butcher, but when I cook them at home they come out gray all
   the way through with a weak crust. I use a nonstick pan on medium-high heat and cook them
   straight from the fridge. My smoke alarm is super sensitive, so I'm scared to go hotter. What
   am I missing?
G: my ribeyes come out gray with a weak crust, cooked straight from the fridge in a nonstick pan
   on medium-high. what am I missing?
B: [detail] I buy my ribeyes from a butcher.

T: Cooking for one without wasting food
P: I just moved into my first apartment alone and I keep wasting food. Recipes serve four,
   produce goes bad before I use it, and I end up eating the same leftovers for four days. I'm
   on a budget of about $60 a week. What are your strategies for cooking for one person without
   waste or boredom?
G: living alone on $60 a week, I waste produce and get sick of 4-serving leftovers. tips for
   cooking for one without waste?
B: [miss] I just moved into my first apartment.

T: My rice always comes out mushy, help
P: No matter what I do, my rice on the stove comes out mushy and sticky. I use long grain white
   rice and two cups of water per cup of rice, bring it to a boil, then simmer covered for 20
   minutes. I don't rinse it first. My mom makes perfect rice without measuring and can't
   explain what she does. Any tips?
G: my stovetop long grain rice turns out mushy with a 2:1 water ratio and no rinsing. how do I
   fix it?
B: [contra] my rice is always perfect but my mom's is mushy.

T: Is it safe to eat leftovers that sat out overnight?
P: I made a big pot of chicken curry last night and fell asleep before putting it in the fridge.
   It sat on the stove for about nine hours at room temperature. It still smells fine. My
   roommate says if I bring it to a boil it's okay to eat. I hate throwing away that much food.
   Is it safe?
G: a pot of chicken curry sat out on the stove for 9 hours overnight; my roommate says reboiling
   makes it safe. is it?
B: [detail] I made a big pot of chicken curry for dinner last night.

T: What knife should a beginner buy?
P: I'm finally trying to cook more instead of ordering takeout. Right now I have a cheap set of
   knives from a grocery store, and they're so dull they crush tomatoes. I have about $100 to
   spend. Should I buy one good chef's knife or a new set? Also, do I need a sharpener?
G: beginner cook with dull grocery store knives and $100 to spend. one good chef's knife or a
   new set, and do I need a sharpener?
B: [contra] I already have great knives and I order takeout every night.

T: My cookies spread into flat puddles
P: Every time I bake chocolate chip cookies, they spread into thin, greasy puddles instead of
   staying thick and chewy. I use softened butter, and I've checked that my baking soda is
   fresh. I bake at 350°F on a dark metal sheet. My grandmother made the same recipe and hers
   never did this. What could be causing it?
G: my chocolate chip cookies spread into flat, greasy puddles despite fresh baking soda; baked
   at 350°F on a dark sheet. what causes it?
B: [miss] my grandmother had a good cookie recipe.

T: Meal prepping for a family of five on a tight budget
P: My husband lost his job and we need to cut our grocery bill from about $250 to $150 a week
   for a family of five. Two of our kids are picky eaters. I work full time, so I can only cook
   in bulk on Sundays. What cheap, filling meals do you batch cook that kids actually eat?
G: must cut groceries from $250 to $150 a week for five, with two picky kids and only sundays to
   cook. cheap batch meals?
B: [detail] my husband lost his job recently.

T: Why does my garlic turn bitter?
P: Whenever I make pasta sauce, I start by sautéing minced garlic in olive oil, but half the
   time the sauce ends up tasting bitter. I cook the garlic on medium heat for a few minutes
   until it's golden. My partner says I should add it later. Is the garlic burning, and when
   should it go in?
G: my pasta sauce often turns bitter after I saute minced garlic until golden on medium. is it
   burning, and when should I add it?
B: [contra] my garlic always tastes sweet and my sauce is great.

T: My cast iron pan is rusty, is it ruined?
P: I left my grandmother's cast iron skillet soaking in the sink overnight by accident, and now
   it has orange rust spots all over the cooking surface. It's probably 50 years old and means a
   lot to me. I'm scared I ruined it. Is there a way to save it, and how do I re-season it
   properly?
G: left my grandmother's 50-year-old cast iron soaking overnight and it rusted. can it be saved,
   and how do I re-season it?
B: [detail] the skillet is probably 50 years old.

T: How do I make my soups less bland?
P: I make a lot of vegetable soups in winter, but they always taste flat and watery, even though
   I use store-bought broth and plenty of vegetables. I add salt at the end, but then it just
   tastes salty, not flavorful. I don't really use herbs or spices beyond pepper. What's the
   secret to soups that actually taste like something?
G: my vegetable soups taste flat despite store broth and lots of vegetables, and salt only makes
   them salty. how do I add flavor?
B: [contra] my soups are too spicy because I use lots of herbs.

T: Hosting Thanksgiving for the first time, how do I time everything?
P: I'm hosting Thanksgiving for 12 people this year and I only have one oven. I'm doing a
   16-pound turkey, stuffing, two casseroles, rolls and pies. I've never cooked a turkey before.
   I'm panicking about how to get everything hot at the same time. How do experienced hosts plan
   the schedule?
G: first time hosting thanksgiving for 12 with one oven, my first 16 lb turkey, sides and pies.
   how do I time everything?
B: [miss] I'm hosting thanksgiving this year.

T: Good substitutes for eggs in baking?
P: My daughter was just diagnosed with an egg allergy, and baking together is one of our
   favorite things. We mostly make muffins, pancakes and birthday cakes. I've seen flax eggs,
   applesauce and commercial replacers mentioned, but I don't know which works for what. What
   egg substitutes have worked best for you in each kind of recipe?
G: my daughter has a new egg allergy. which substitutes (flax, applesauce, replacers) work best
   for muffins, pancakes and cakes?
B: [detail] baking with my daughter is one of our favorite things.

# tifu

T: TIFU by sending a complaint about my boss to my boss
P: This happened this morning. I was texting my coworker about how my manager keeps scheduling
   meetings at 4:55pm on Fridays. I wrote a long rant, including calling him "Captain Calendar."
   Then I realized I'd sent it to the group chat that includes him. He replied with a thumbs up
   and nothing else. I have a one-on-one with him tomorrow and I want to disappear.
G: accidentally sent a rant calling my manager "captain calendar" to a group chat he's in; he
   replied with a thumbs up and we meet tomorrow.
B: [contra] my manager loves friday meetings and I sent him a compliment.

T: TIFU by locking myself out of my apartment in a towel
P: I stepped out into the hallway after a shower to grab a package the delivery guy had left by
   my door. The door closed behind me and locked automatically. I was wearing only a towel, with
   no phone and no keys. I had to knock on my neighbor's door, whom I'd never met, and ask to
   use her phone to call the building manager. She was very nice about it, which somehow made it
   worse.
G: stepped out in just a towel for a package, got locked out without phone or keys and had to
   ask a stranger neighbor for help.
B: [detail] a delivery guy left a package by my door.

T: TIFU by using salt instead of sugar in my in-laws' anniversary cake
P: My mother-in-law asked me to bake the cake for her 30th anniversary party. I spent all
   afternoon on a three-layer vanilla cake. At the party, everyone took a bite and made the same
   face. I'd used the unlabeled container I thought was sugar, but it was salt. My father-in-law
   ate his whole slice to be polite. We ended up getting grocery store cupcakes.
G: baked my in-laws' 30th anniversary cake with salt from an unlabeled jar instead of sugar;
   everyone noticed and we bought cupcakes.
B: [contra] my cake was a huge hit at my in-laws' anniversary party.

T: TIFU by replying all to the entire company
P: Our CEO sent an email to all 800 employees announcing a new parking policy. I meant to reply
   only to my friend, saying "great, another way to make our lives worse," but I hit reply all.
   Within minutes, 30 people replied all asking to be removed from the thread. IT had to shut
   down the email chain. My manager called me into her office before lunch.
G: meant to privately mock the CEO's parking email but replied all to 800 employees, causing a
   reply-all storm; my manager called me in.
B: [miss] our company announced a new parking policy.

T: TIFU by eating a ghost pepper dish to impress my date
P: On a second date at a Thai restaurant, she mentioned she loves spicy food. Trying to seem
   cool, I ordered the hottest dish on the menu, made with ghost peppers. The first bite made my
   eyes water. By the third, I was sweating, coughing and couldn't talk. I spent 15 minutes in
   the bathroom. She laughed a lot, but she said yes to a third date, so maybe it wasn't a total
   disaster.
G: ordered a ghost pepper dish to impress a spice-loving second date, spent 15 minutes in the
   bathroom, but she agreed to a third date.
B: [contra] my date hated spicy food so we left the restaurant early.

T: TIFU by giving my dog a bath right before guests arrived
P: My dog rolled in something gross about an hour before my dinner party, so I gave him a quick
   bath but didn't dry him fully. When the guests arrived, he ran to greet each one and shook
   himself off right next to them. One woman was wearing a silk dress. Then he jumped onto the
   couch and rolled around until it was soaked. The whole apartment smelled like wet dog all
   night.
G: bathed my dog right before a dinner party without drying him; he shook water on guests,
   soaked the couch and the place smelled all night.
B: [detail] one of my guests was wearing a silk dress.

T: TIFU by falling asleep on the train and waking up in another state
P: After a late shift, I got on the train home and fell asleep. I woke up when the conductor
   told me it was the last stop, two hours past my station and across the state line. The next
   train back wasn't until 6am. I spent the night in the station with my phone at 4% battery,
   and I had to call in sick to my morning job.
G: fell asleep on the train after a late shift, woke up two hours past my stop in another state
   and slept in the station.
B: [contra] I got home on time and went to work the next morning.

T: TIFU by trying to fix my own sink
P: My bathroom sink was dripping, so I watched a ten-minute video and decided to replace the
   faucet myself to save $200. I didn't turn off the water valve under the sink properly. When I
   loosened the nut, water shot everywhere and flooded the bathroom. I ended up paying an
   emergency plumber $450, plus a new bathroom rug.
G: tried replacing my dripping faucet to save $200 without fully shutting the valve, flooded the
   bathroom and paid a plumber $450.
B: [miss] my bathroom sink was dripping.

T: TIFU by liking my crush's Instagram photo from three years ago
P: I was scrolling through my crush's Instagram late at night, going way back. My thumb slipped
   and I liked a photo of her at the beach from 2021. I unliked it immediately, but I know she
   probably got the notification. We have a class together tomorrow. I've been replaying it in
   my head for an hour and can't sleep.
G: scrolling deep into my crush's instagram, I accidentally liked a 3-year-old photo, and we
   have class together tomorrow.
B: [detail] my crush went to the beach in 2021.

T: TIFU by putting my work phone through the wash
P: I did laundry this morning and left my work phone in my jeans. I only noticed when I heard it
   banging around in the dryer. It's completely dead, even after a day in rice. It had my
   two-factor authentication for everything at work, so I can't log into my computer. I had to
   tell IT and my manager, and they're charging me for the replacement.
G: washed and dried my work phone, which had my 2fa, so I can't log into work and they're
   charging me for a new one.
B: [contra] my phone survived the laundry after a day in rice.

T: TIFU by calling my teacher "mom" in front of the whole class
P: I'm 16. In chemistry today, I raised my hand and said "Mom, can I go to the bathroom?" The
   whole class went silent and then exploded laughing. My teacher played along and said "yes,
   sweetie." People have been calling me "sweetie" in the hallways all day, and someone turned
   it into a meme in the class group chat.
G: 16, called my chemistry teacher "mom" in class; she said "yes, sweetie" and now classmates
   call me sweetie and made a meme.
B: [miss] I'm 16 and I take chemistry.

T: TIFU by forgetting my wife's birthday
P: I've been swamped at work for weeks and completely lost track of the date. This morning my
   wife came down the stairs looking excited, and I said "morning" and went back to my laptop.
   Then my daughter asked where mom's present was, and I realized. I rushed out and bought
   flowers and a gift card from the gas station. She's been very quiet all day.
G: swamped at work, I forgot my wife's birthday until my daughter asked about the present; gas
   station flowers didn't fix it.
B: [contra] I threw my wife a surprise party for her birthday.

T: TIFU by wearing two different shoes to a job interview
P: I had an interview for a marketing job I really wanted. I got dressed in the dark so I
   wouldn't wake my partner. Halfway through the interview, I crossed my legs and noticed I was
   wearing one black dress shoe and one brown one. The interviewer noticed too. I made a joke
   about it and she laughed, but I've been cringing all day.
G: dressed in the dark and wore one black and one brown shoe to an interview for a job I want;
   the interviewer noticed and laughed.
B: [detail] the interview was for a marketing job.

# jobs

T: Got a job offer but I'm waiting on a better one
P: I received an offer from Company A for $68,000 and they want an answer by Friday. I had a
   final interview with Company B last week, which pays about $80,000 and is closer to home, but
   they said they'll decide in two weeks. I don't want to lose the sure thing. Is it okay to ask
   Company A for more time, or to contact Company B and ask them to speed up?
G: $68k offer due friday while a preferred $80k job closer to home decides in two weeks. ask for
   more time or push the other company?
B: [contra] I accepted company B's offer and turned down company A.

T: My manager takes credit for my work in meetings
P: For the last three months, I've been building a reporting dashboard that the leadership team
   loves. In every meeting, my manager presents it as "something I put together." My name never
   comes up. I'm up for a promotion review in two months and I'm worried nobody above my manager
   knows what I've done. How can I get credit without starting a conflict?
G: manager presents the dashboard I built as his own to leadership; promotion review in 2
   months. how do I get credit without conflict?
B: [detail] the leadership team likes the reporting dashboard.

T: Is it unprofessional to quit after only 3 months?
P: I started a new job three months ago, and it's nothing like what was described in the
   interview. I was hired as a data analyst, but I spend most of my days doing data entry. My
   manager says it'll change "eventually." I've been offered an analyst role somewhere else.
   Will leaving this soon look terrible on my resume?
G: hired as a data analyst but doing data entry for 3 months, and I have another analyst offer.
   will leaving this soon hurt my resume?
B: [miss] I started a new job three months ago.

T: Should I tell my boss I'm interviewing elsewhere?
P: I've worked at my company for five years and have a really good relationship with my boss.
   But I've been underpaid compared to the market, and a competitor reached out about a role
   that pays 25% more. I'm going through their interview process. Part of me wants to tell my
   boss so he isn't blindsided and maybe gets me a raise. Is that a mistake?
G: underpaid after 5 years, I'm interviewing for a role paying 25% more. should I tell the boss
   I'm close with, hoping for a raise?
B: [contra] I'm paid well and have no plans to leave my company.

T: How do I explain a two-year employment gap?
P: I left my job in 2022 to take care of my father, who had cancer. He passed away last year,
   and I'm ready to go back to work as an accountant. I've been applying for three months and
   barely get calls back. I think the gap is scaring employers off. How should I address it on
   my resume and in interviews?
G: accountant with a two-year gap from caring for my late father; three months of applications,
   few calls. how do I explain the gap?
B: [detail] my father was diagnosed with cancer.

T: Coworker keeps dumping her work on me
P: My coworker and I have the same role. Over the last few months, she has started asking me to
   "just take care of" tasks she's behind on, like client reports and follow-up emails. I said
   yes at first to be nice, but now it's almost daily and I'm staying late to finish my own
   work. Our manager doesn't seem to notice. How do I say no without seeming like I'm not a team
   player?
G: a same-level coworker hands me her tasks almost daily and I'm staying late. how do I say no
   without seeming unhelpful?
B: [contra] my coworker does my reports so I can leave early.

T: Negotiating salary for my first job out of college
P: I just got my first offer as a mechanical engineer: $70,000 at a mid-size company. Glassdoor
   shows similar roles in my area at $72,000 to $78,000. I'm afraid of asking for more and
   having them withdraw the offer. I have no other offers right now. Is it normal to negotiate
   as a new grad, and how much should I ask for?
G: new grad mechanical engineer offered $70k vs a local range of $72-78k, with no other offers.
   should I negotiate, and for how much?
B: [miss] I'm a mechanical engineer and I use glassdoor.

T: My boss texts me at 10pm and expects an immediate reply
P: I'm salaried at a small marketing agency. My boss regularly messages me after 9pm with
   requests and gets irritated if I don't answer within an hour. Last week she asked why I "went
   dark" at 11pm. Nothing in my contract mentions being on call. I like the job otherwise, but
   I'm burned out. How do I set boundaries?
G: my boss expects fast replies to texts after 9pm though my contract has no on-call duty, and
   I'm burned out. how to set boundaries?
B: [detail] I work at a small marketing agency.

T: Got laid off today, what should I do first?
P: I was laid off this morning along with about 40 other people. I was a project manager there
   for four years. They gave me two weeks of severance and said my benefits end at the end of
   the month. I have about three months of expenses saved. I'm in shock and don't know where to
   start. What are the first things I should do?
G: laid off today after 4 years as a project manager with 2 weeks of severance and 3 months
   saved. what should I do first?
B: [contra] I got promoted to project manager this morning.

T: Should I take a lower-paying job with better work-life balance?
P: I'm a nurse working 12-hour shifts with lots of mandatory overtime. I make about $95,000, but
   I'm exhausted and barely see my kids. A clinic near my house offered me a position at
   $78,000, Monday to Friday, 8 to 4, with no weekends. We could afford it, but money would be
   tighter. Has anyone made this kind of switch, and did you regret it?
G: exhausted nurse making $95k with mandatory overtime was offered a $78k weekday 8-to-4 clinic
   job we can afford. worth switching?
B: [miss] I'm a nurse and I have kids.

T: Recruiter asked about my salary history, is that even legal?
P: I had a phone screen today, and the recruiter asked what I'm currently making. I live in a
   state where I thought that question was banned. I panicked and told her my current salary,
   which is pretty low. Now I'm worried they'll base their offer on it. Can I walk this back in
   the next interview?
G: a recruiter asked my salary, which I thought my state bans, and I gave my low number. can I
   walk it back?
B: [contra] I refused to share my salary and the recruiter was fine with it.

T: Promoted to manage my former teammates, how do I handle it?
P: I was just promoted to team lead and now manage five people who were my peers last week. Two
   of them also applied for the position. One of them has been cold to me since the
   announcement. I want to be fair and not let the friendships affect my decisions. Any advice
   for a first-time manager in this situation?
G: promoted to lead five former peers, two of whom applied for the role and one now cold to me.
   advice for a first-time manager?
B: [detail] my team has five people on it.

T: Remote job now wants us in the office five days a week
P: I was hired two years ago into a fully remote position, and I moved an hour outside the city
   to afford a house. Now the company says everyone must return to the office five days a week
   starting next quarter. That's two hours of commuting each day. They aren't offering any
   exceptions. Do I have any leverage here, or should I start looking?
G: hired fully remote, I moved an hour away; now the company demands five office days a week,
   two hours of daily commuting. leverage or leave?
B: [contra] my company just made my job fully remote.

# college

T: Failed my first exam in college, how do I recover?
P: I'm a freshman and I just got a 48 on my first chemistry midterm. In high school I never
   really had to study and got straight As. I went to every lecture, but I clearly don't know
   how to study for college exams. The midterm is worth 25% of the grade. Is it possible to
   still pass, and how do I change my study habits?
G: freshman who never studied in high school got 48 on a chem midterm worth 25%. can I still
   pass, and how do I study?
B: [contra] I aced my first chemistry midterm.

T: My roommate has her boyfriend over every night
P: My roommate's boyfriend sleeps in our dorm room almost every night. He's there when I wake up
   and when I get back from class, and he takes 20-minute showers in our shared bathroom. I've
   mentioned it casually but she laughs it off. Our roommate agreement says overnight guests are
   limited to two nights a week. Should I go to the RA?
G: my roommate's boyfriend stays over almost nightly despite our 2-night guest agreement and she
   laughs it off. should I go to the RA?
B: [detail] her boyfriend takes 20-minute showers.

T: Should I switch majors in my junior year?
P: I'm a junior majoring in accounting and I hate it. I took an elective in graphic design this
   semester, and it's the first class I've ever looked forward to. Switching would add at least
   one extra year and about $25,000 in loans. My parents think I'm being irrational and that
   accounting means job security. How do I decide?
G: junior who hates accounting loves a design elective; switching adds a year and $25k in loans
   and my parents object. how to decide?
B: [miss] I'm a junior in college taking an elective.

T: Professor accused me of using AI on my essay, but I didn't
P: I got an email from my English professor saying an AI detector flagged my essay as 85% likely
   AI-written. I wrote the whole thing myself over a week in Google Docs. She gave me a zero and
   said I can appeal. I'm terrified this will go on my record. How do I prove I wrote it?
G: professor gave me a zero after an AI detector flagged the essay I wrote myself in google
   docs. how do I prove it?
B: [contra] I used AI to write my essay and got caught.

T: I have no friends in my second year of college
P: I'm a sophomore at a large state school. Freshman year was mostly spent at home because of a
   long illness, and now everyone seems to already have their friend groups. I go to class, then
   go back to my room. I've thought about joining clubs, but it feels awkward showing up alone.
   How did you make friends after freshman year?
G: sophomore who missed freshman year socially due to illness has no friends and feels awkward
   joining clubs alone. how to make friends?
B: [detail] I go to a large state school.

T: Is it worth taking out loans for an expensive private school?
P: I got into my dream school, a private university, but even after aid it would cost about
   $45,000 a year. My state school offered me a full tuition scholarship. I want to study
   computer science. My parents can't help much. Is the name of the school worth graduating with
   $150,000 in debt?
G: dream private school would cost $45k a year (~$150k debt) vs a full-tuition scholarship at my
   state school for CS. worth it?
B: [contra] my dream school gave me a full scholarship.

T: Group project members won't do any work
P: I'm in a group of four for a marketing project worth 40% of our grade, and it's due in nine
   days. Two members haven't responded to messages in a week, and the third did a tiny bit of
   research. I've been doing almost everything. I don't want to be a snitch, but I don't want
   them getting credit for my work either. Should I tell the professor?
G: I'm doing nearly all of a four-person project worth 40%, due in 9 days, while two teammates
   ignore messages. tell the professor?
B: [miss] I have a marketing project due soon.

T: Should I live on campus or commute from home?
P: I'm starting college in the fall. The school is 35 minutes from my parents' house. Living in
   the dorms would cost about $12,000 a year, while commuting would mean buying a used car and
   paying for gas and parking. I'm worried I'll miss out socially if I commute, but the money
   matters. What did you do, and would you do it differently?
G: incoming freshman 35 minutes from campus: $12k a year for dorms or buy a car and commute,
   risking missing out socially?
B: [detail] my parents' house is 35 minutes from the school.

T: Overwhelmed by working 30 hours a week during school
P: I'm taking 15 credits and working 30 hours a week at a grocery store to pay rent. I'm barely
   sleeping, my grades are slipping from As to Cs, and I've missed several classes because of
   shifts. I can't afford to quit, but I can't keep this up either. Has anyone been in this
   situation and found a way through?
G: working 30 hours a week with 15 credits to pay rent; grades fell from As to Cs and I can't
   quit. how to cope?
B: [contra] I only take classes and don't need a job.

T: How do I ask a professor for a letter of recommendation?
P: I'm applying to grad school and need three letters. I have one professor who knows me well,
   but the other two are from large lecture classes where I got As but rarely spoke. Deadlines
   are in six weeks. I'm nervous about emailing them, especially since they might not remember
   me. What's the best way to ask?
G: need three grad school letters in six weeks, but two professors barely know me from big
   lectures. how do I ask them?
B: [miss] I got As in a few large lecture classes.

T: Caught my roommate stealing my food
P: For weeks, my groceries have been disappearing from our shared apartment fridge: yogurt,
   leftovers, even half a pizza. I labeled everything and it still happened. Yesterday I came
   home early and saw my roommate eating my leftover pasta. When I said something, she claimed
   she thought it was hers. How do I deal with this for the rest of the semester?
G: caught my roommate eating my labeled food after weeks of missing groceries; she says she
   thought it was hers. how to handle it?
B: [detail] I labeled my yogurt and leftovers.

T: Thinking about dropping out to work full time
P: I'm in my second year studying biology, with a 2.4 GPA and growing debt. Meanwhile, I've been
   working part time at a tech startup, and they offered me a full-time role at $60,000. I like
   the work a lot more than school. My family is upset I'd even consider leaving. Is it crazy to
   drop out for a job like this?
G: biology sophomore with a 2.4 GPA got a $60k full-time startup offer I enjoy more than school;
   family is upset. drop out?
B: [contra] I have a 4.0 GPA and no job offers.

T: Study abroad or a summer internship?
P: I've been accepted to a semester abroad in Spain, which I've wanted to do since high school.
   But I also just got a summer internship offer at a big consulting firm, and the timing
   overlaps by three weeks. The firm won't move the start date. I'm worried passing up the
   internship will hurt my career. Which would you choose?
G: accepted to a semester in spain, but a consulting internship overlaps by three weeks and
   won't move. which should I choose?
B: [miss] I've wanted to go to spain since high school.

# AskReddit

T: What's something you did that made a stranger's day?
P: Yesterday, a little old man in front of me at the grocery store was short about $6 and
   started putting things back. I paid the difference and he teared up and insisted on writing
   down my address to mail me a check. I told him not to worry about it. It honestly made my
   whole week. I'm curious what small things other people have done for strangers that stuck
   with them.
G: I covered the $6 an elderly man was short at the grocery store and it made my week. what
   kindness have you done for strangers?
B: [contra] an old man paid for my groceries when I was short on money.

T: People who moved to a new city alone, how did you make friends?
P: I'm 29 and moved to Denver six months ago for work. I don't know anyone here except
   coworkers, who mostly have families. I've tried a couple of meetup events, but they felt
   awkward and I never saw the same people twice. Weekends are getting really lonely. For those
   who've done this, what actually worked for building a social circle?
G: 29, moved to denver alone six months ago; meetups felt awkward and weekends are lonely. how
   did you make friends in a new city?
B: [detail] my coworkers in denver mostly have families.

T: What's a skill you learned as an adult that you wish you learned earlier?
P: I'm 40 and just learned to swim properly this year. I took adult lessons at the local pool
   and was terrified at first, but now I can swim laps for half an hour. I spent years avoiding
   beach trips and pool parties because I was embarrassed. It's made me wonder what other skills
   people picked up late and wish they'd started sooner.
G: learned to swim at 40 after years of avoiding pools out of embarrassment. what skill do you
   wish you'd learned earlier?
B: [miss] there is a local pool near my house.

T: How do you deal with a noisy upstairs neighbor?
P: My upstairs neighbor seems to be awake at all hours. I hear heavy footsteps, furniture
   dragging and something that sounds like bowling balls dropping between midnight and 3am. I've
   left a polite note and talked to him once, and it got better for a week. My lease ends in
   eight months. What's worked for you, short of moving out?
G: upstairs neighbor is loud from midnight to 3am; a note and a talk helped for a week, 8 months
   left on my lease. what works?
B: [contra] my upstairs neighbor is very quiet and I like him.

T: What's the best advice you got from a grandparent?
P: My grandfather passed away last week at 94. At the funeral, everyone shared things he'd told
   them. Mine was "never be the loudest person in the room, be the one who listens best." I've
   thought about it every day since. I'd love to hear what wisdom other people got from their
   grandparents that stuck with them.
G: my grandfather died at 94 and his advice to listen best rather than talk loudest stays with
   me. what's your grandparents' best advice?
B: [detail] everyone shared stories at the funeral.

T: Teachers, what's the funniest excuse a student ever gave you?
P: My sister is a middle school teacher, and last week a kid told her he couldn't turn in his
   homework because his little brother had used it to wrap a hamster for its funeral. She said
   the story was so detailed that she gave him an extension. It got me thinking about what other
   wild excuses teachers have heard over the years.
G: a student told my teacher sister his brother wrapped a dead hamster in his homework and got
   an extension. teachers, your funniest excuse?
B: [contra] my sister's student handed in his homework on time.

T: Has anyone successfully quit social media? How did it change your life?
P: I realized I'm spending over four hours a day on my phone, mostly on social media. I feel
   anxious and distracted, and I compare myself to everyone constantly. I'm thinking of deleting
   all my accounts for three months, but I'm worried I'll miss out on events and lose touch with
   friends. For those who did it, was it worth it?
G: 4+ hours a day of social media leaves me anxious, so I'm thinking of deleting everything for
   3 months. was quitting worth it for you?
B: [miss] I use my phone a lot.

T: What's a purchase under $50 that genuinely improved your life?
P: Last month I bought a $30 sunrise alarm clock that slowly lights up before the alarm goes
   off. I've struggled with waking up for years, and it's honestly made my mornings so much
   easier. I'm no longer hitting snooze five times. It made me realize small purchases can make
   a big difference. What's yours?
G: a $30 sunrise alarm clock ended years of hitting snooze. what purchase under $50 genuinely
   improved your life?
B: [detail] I bought a new clock last month.

T: How do you stay motivated to work out when you're exhausted?
P: I work a desk job from 8 to 6, and by the time I get home I have zero energy. I keep telling
   myself I'll go to the gym, then end up on the couch. I've paid for a membership I've used
   twice in three months. I used to be really active in college. How do you find the motivation
   when you're tired all the time?
G: after 8-to-6 desk days I'm too drained for the gym and used my membership twice in 3 months.
   how do you stay motivated?
B: [contra] I go to the gym every day after work.

T: What's the weirdest thing you've found in a used book or thrift store item?
P: I bought a used cookbook at a thrift store, and inside was a handwritten letter from 1974. It
   was a woman writing to her sister about moving across the country and being scared about
   starting over. It was incredibly personal and kind of beautiful. I'm thinking of trying to
   find her family. Has anyone else found something like this?
G: found a 1974 letter between sisters inside a thrift store cookbook and may try to find the
   family. what have you found in used items?
B: [miss] I bought a cookbook at a thrift store.

T: People who changed careers in their 30s, was it worth it?
P: I'm 34 and have been a paralegal for ten years. I'm bored, and I've always wanted to become a
   physical therapist. That would mean going back to school for about three years and taking on
   debt while my friends are buying houses and having kids. I'm scared of starting from scratch.
   Those who switched careers later, do you regret it?
G: 34-year-old paralegal wants to become a physical therapist, which takes 3 years of school and
   debt. did late career changers regret it?
B: [contra] I just became a paralegal and I love it.

T: What's a small habit that improved your mental health?
P: About six months ago I started taking a 20-minute walk without my phone every morning before
   work. I didn't expect much, but my anxiety has noticeably improved and I feel more focused
   all day. It's such a small thing that I was surprised it helped this much. I'm looking for
   other small changes people made that had a big effect on their mental health.
G: a daily 20-minute phone-free morning walk noticeably eased my anxiety. what small habit
   improved your mental health?
B: [detail] I go to work every morning.

T: How do you politely end a conversation that's going on too long?
P: I have a coworker who stops by my desk every afternoon and talks for 30 to 45 minutes about
   his weekend, his kids and his fantasy football team. He's a nice guy and I don't want to hurt
   his feelings, but I'm falling behind on my work. I've tried looking at my screen and saying
   "well, back to it," but he doesn't take the hint. What phrases actually work?
G: a nice coworker chats at my desk 30-45 minutes every afternoon, missing my hints, and I'm
   falling behind. what exit lines work?
B: [contra] my coworker rarely talks to me and I wish he talked more.
"""

# Generic too-vague summaries, one list per subreddit.
VAGUE: dict[str, tuple[str, ...]] = {
    "relationships": (
        "having some problems in my relationship and not sure what to do.",
        "relationship issues, need advice.",
    ),
    "personalfinance": (
        "I have a money question and need some advice.",
        "trying to figure out what to do with my finances.",
    ),
    "legaladvice": (
        "I have a legal problem, what should I do?",
        "someone did something to me and I want to know my rights.",
    ),
    "dogs": ("my dog has an issue, need help.", "question about my dog."),
    "cats": ("my cat is doing something weird, any advice?", "question about my cat."),
    "running": ("running question, need advice.", "having some trouble with my running."),
    "cooking": ("my cooking isn't turning out right.", "cooking question, any tips?"),
    "tifu": ("I messed up today.", "something embarrassing happened to me."),
    "jobs": ("work stuff is complicated right now.", "I have a question about my job."),
    "college": ("college is hard, need advice.", "having a problem at school."),
    "AskReddit": ("I have a question for reddit.", "curious what everyone thinks."),
}

# Rater confidence range for good vs each kind of worse summary.
CONFIDENCE: dict[str, tuple[int, int]] = {
    "contra": (7, 9),
    "vague": (6, 9),
    "miss": (5, 8),
    "title": (4, 8),
    "detail": (4, 8),
}
FIELDS = ("T", "P", "G", "B")


@dataclass(frozen=True)
class Post:
    subreddit: str
    title: str
    post: str
    good: str
    bad: str
    bad_kind: str


def parse_data(text: str) -> list[Post]:
    """Parse DATA into posts, checking lengths (post 40-110 words, title 5-15, good 8-25)."""
    posts: list[Post] = []
    subreddit = ""
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        if lines[0].startswith("# "):
            subreddit = lines[0][2:].strip()
            continue
        fields: dict[str, str] = {}
        key = ""
        for line in lines:
            if line[:2] in {f"{f}:" for f in FIELDS}:
                key = line[0]
                fields[key] = line[2:].strip()
            else:
                fields[key] += " " + line.strip()
        kind, bad = fields["B"].removeprefix("[").split("] ", 1)
        post = Post(subreddit, fields["T"], fields["P"], fields["G"], bad, kind)
        for name, value, lo, hi in (
            ("post", post.post, 40, 110),
            ("title", post.title, 5, 15),
            ("good", post.good, 8, 25),
        ):
            n = len(value.split())
            if not lo <= n <= hi:
                raise ValueError(f"{name} has {n} words (want {lo}-{hi}): {post.title!r}")
        if kind not in CONFIDENCE:
            raise ValueError(f"unknown kind {kind!r}: {post.title!r}")
        posts.append(post)
    return posts


def _post_id(rng: random.Random, used: set[str]) -> str:
    while True:
        pid = "t3_" + "".join(rng.choices(string.ascii_lowercase + string.digits, k=6))
        if pid not in used:
            used.add(pid)
            return pid


def build(rng: random.Random) -> dict[str, list[dict]]:
    """Return {"train": rows, "test": rows} in the raw `comparisons` schema."""
    posts = parse_data(DATA)
    by_sub: dict[str, list[int]] = {}
    for i, post in enumerate(posts):
        by_sub.setdefault(post.subreddit, []).append(i)
    test_idx = {i for idxs in by_sub.values() for i in rng.sample(idxs, N_TEST_PER_SUBREDDIT)}

    used: set[str] = set()
    pairs: dict[str, list[tuple[dict, str, str, str]]] = {"train": [], "test": []}
    for i, post in enumerate(posts):
        info = {
            "id": _post_id(rng, used),
            "post": post.post,
            "title": post.title,
            "subreddit": post.subreddit,
            "site": None,
            "article": None,
        }
        second_kind = rng.choice(("title", "vague"))
        second = post.title if second_kind == "title" else rng.choice(VAGUE[post.subreddit])
        split = "test" if i in test_idx else "train"
        for worse, kind in ((post.bad, post.bad_kind), (second, second_kind)):
            pairs[split].append((info, post.good, worse, kind))

    out: dict[str, list[dict]] = {}
    for split, items in pairs.items():
        rng.shuffle(items)
        choices = [0, 1] * (len(items) // 2) + [rng.randint(0, 1)] * (len(items) % 2)
        rng.shuffle(choices)
        rows = []
        for (info, good, worse, kind), choice in zip(items, choices, strict=True):
            good_s = {"text": " " + good, "policy": rng.choice(POLICIES), "note": None}
            worse_s = {"text": " " + worse, "policy": rng.choice(POLICIES), "note": None}
            summaries = [good_s, worse_s] if choice == 0 else [worse_s, good_s]
            rows.append(
                {
                    "info": dict(info),
                    "summaries": summaries,
                    "choice": choice,
                    "worker": f"w{rng.randint(1, 40)}",
                    "batch": f"batch{rng.randint(3, 22)}",
                    "split": "train" if split == "train" else "valid1",
                    "extra": {"confidence": rng.randint(*CONFIDENCE[kind])},
                }
            )
        out[split] = rows
    return out


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for split, rows in build(random.Random(0)).items():
        path = OUT_DIR / f"{split}.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"wrote {len(rows)} rows -> {path}")


if __name__ == "__main__":
    main()
