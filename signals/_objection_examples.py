"""Example phrasings of buyer objections per category, and of buyer sentences that are not objections.

The objections signal embeds these once per process and compares each buyer sentence with
them. They are written as a buyer would say them on a call, in several registers; they are
general phrasings, not quotes from any evaluation call. The "not an objection" set holds the
sentences that look close to an objection but are not one: a buyer describing a pain, asking
a price, stating a goal, giving information about their process, or agreeing.
"""

from __future__ import annotations

CATEGORIES: tuple[str, ...] = (
    "price",
    "timing",
    "competitor",
    "authority",
    "need",
    "security",
    "integration",
)

EXAMPLES: dict[str, tuple[str, ...]] = {
    "price": (
        "That's more than we can spend on this.",
        "Honestly that's too expensive for us.",
        "The price is way above what we budgeted.",
        "We don't have budget for something like this.",
        "That's a lot more than we pay today.",
        "I can't justify that cost to my team.",
        "Our budget is really tight this year.",
        "That number is going to be a tough sell internally.",
        "It costs almost double our current tool.",
        "We could get something cheaper elsewhere.",
        "The pricing is a problem for us.",
        "We just can't afford that right now.",
        "A competing offer came in cheaper.",
    ),
    "timing": (
        "This isn't the right time for us.",
        "We'd have to wait until next year's budget cycle.",
        "Let's revisit this in a few months.",
        "We have too much going on this quarter to take this on.",
        "It's not a priority until after our migration is done.",
        "We need to hold off until the reorg settles.",
        "Maybe next quarter, but not now.",
        "It would have to wait for the next planning cycle.",
        "We're in a freeze until the fiscal year starts.",
        "The team has no bandwidth for a new project right now.",
        "We'd have to put it on the agenda for a later meeting.",
    ),
    "competitor": (
        "We're also evaluating a couple of other vendors.",
        "We already use another tool for this and it works fine.",
        "We've been with our current provider for years.",
        "Your competitor offered us a better deal.",
        "We're talking to two other companies about the same thing.",
        "This looks a lot like what we already have.",
        "The other vendor we demoed had more features.",
        "We're pretty happy with the platform we use today.",
        "Another company came in with a lower quote.",
        "We're leaning toward the other option we looked at.",
    ),
    "authority": (
        "I'd need my boss to sign off on this.",
        "It's not my decision to make.",
        "Our CFO has to approve anything that adds cost.",
        "I'll have to run this by the leadership team.",
        "That's above my pay grade, honestly.",
        "Procurement needs to approve any new vendor.",
        "I can't commit to anything without the board's approval.",
        "The final call sits with our VP.",
        "I don't have the authority to buy this.",
        "I'd have to get buy-in from my director first.",
    ),
    "need": (
        "I don't really see the need for this.",
        "I can't see how this is any better than our current setup.",
        "I'm not convinced it's worth it for us.",
        "We don't really have that problem.",
        "It's a nice to have, not a must have.",
        "I'm not sure we'd get enough value out of it.",
        "Our current process works well enough.",
        "I don't see why we would switch.",
        "That's not really a pain point for us.",
        "We don't need all of these features.",
    ),
    "security": (
        "Our security team will have concerns about where the data is stored.",
        "We can't send customer data to a third party cloud.",
        "I'm worried about the security risk here.",
        "Without a SOC 2 report this is a non-starter for us.",
        "Our compliance rules won't allow data to leave the country.",
        "Security review is going to be a big hurdle.",
        "We've had a breach before, so we're nervous about new vendors touching our data.",
        "InfoSec will block anything that needs admin access to our servers.",
        "Privacy is a major concern with this kind of tool.",
    ),
    "integration": (
        "I'm not sure it will integrate with our ERP.",
        "It has to work with our legacy system, and that's usually the problem.",
        "Our last tool couldn't connect to our database.",
        "We need it to sync with Salesforce, otherwise it's useless.",
        "Integrating with our homegrown system will be painful.",
        "Does it even talk to our mainframe? That's where things break.",
        "The API limits worry me.",
        "Getting this into our existing stack looks hard.",
        "We've had connectors fail on us before.",
    ),
}

NOT_OBJECTIONS: tuple[str, ...] = (
    # pains: a problem the buyer has, which is what the product answers
    "We lose a lot of money every month because of manual errors.",
    "Our team spends hours every week fixing this by hand.",
    "The process is slow and people are frustrated.",
    "We had a bad incident last year that cost us a lot.",
    "Our costs keep going up every year.",
    "It's our second biggest expense.",
    "Nobody can see what the other team already did.",
    # questions and information
    "What does it cost?",
    "How long does implementation usually take?",
    "How does pricing work for a team our size?",
    "Who else uses this?",
    "We have about forty people on the team.",
    "We want to be live before the end of the year.",
    "The board approves big purchases.",
    "Our goal is to cut that by half next year.",
    "We use a couple of spreadsheets and email today.",
    # enthusiasm about a topic that objections also name
    "My manager is thrilled that we are looking at this.",
    "Our CFO loved the business case.",
    "Data protection matters a lot to us, which is why we like this.",
    "The price looks fair for what we get.",
    "The timing works well for us.",
    "The integration looks straightforward.",
    # agreement and interest
    "That would make my life a lot easier.",
    "That sounds great, send it over.",
    "Yes, that works for me.",
    "This looks really promising.",
    "I like that a lot.",
    "Okay, makes sense.",
)
