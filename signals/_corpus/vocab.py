"""Slot vocabularies for the training corpus: industries, their objects and systems, people, days.

Written for this corpus; every value is generic business vocabulary. A template slot ``{name}``
is filled with a random value of ``SLOTS[name]``; industry-specific slots (``{thing}``,
``{system}``, ``{team}``, ``{event}``) are drawn from the same industry within one sentence so
the sentence stays plausible.
"""

from __future__ import annotations

# industry -> (things the buyer's team handles, systems they run, teams, their own events)
INDUSTRIES: dict[str, dict[str, tuple[str, ...]]] = {
    "logistics": {
        "thing": ("shipments", "delivery exceptions", "carrier invoices", "dock appointments", "route plans"),
        "system": ("the TMS", "our warehouse system", "the yard portal", "a homegrown dispatch tool"),
        "team": ("dispatch", "the warehouse leads", "operations", "the drivers"),
        "event": ("peak season", "the new depot opening", "the carrier rebid", "the fleet refresh"),
    },
    "healthcare": {
        "thing": ("referrals", "prior authorizations", "patient intake forms", "claims denials", "shift swaps"),
        "system": ("the EHR", "our scheduling module", "the billing system", "the patient portal"),
        "team": ("the nursing managers", "revenue cycle", "the front desk", "clinical ops"),
        "event": ("the Joint Commission survey", "the EHR upgrade", "open enrollment", "flu season"),
    },
    "construction": {
        "thing": ("change orders", "RFIs", "submittals", "daily logs", "punch lists"),
        "system": ("our project management tool", "the estimating software", "the accounting package",
                   "a stack of spreadsheets"),
        "team": ("the project managers", "the superintendents", "estimating", "the field crews"),
        "event": ("the spring bid season", "the hospital job kickoff", "the year-end close",
                  "the safety audit"),
    },
    "education": {
        "thing": ("transcript requests", "enrollment forms", "help desk tickets", "course evaluations",
                  "advising notes"),
        "system": ("the student information system", "the LMS", "our ticketing tool", "the registrar database"),
        "team": ("the registrar's office", "IT", "the advising staff", "the deans"),
        "event": ("fall registration", "the accreditation visit", "the semester start", "commencement"),
    },
    "fintech": {
        "thing": ("chargebacks", "KYC reviews", "wire exceptions", "reconciliation breaks", "loan applications"),
        "system": ("the core banking platform", "our ledger", "the case management tool", "the fraud engine"),
        "team": ("compliance", "the ops analysts", "risk", "the underwriting team"),
        "event": ("the regulator exam", "the core conversion", "quarter close", "the audit window"),
    },
    "manufacturing": {
        "thing": ("work orders", "quality holds", "maintenance tickets", "supplier deliveries", "scrap reports"),
        "system": ("the MES", "our ERP", "the maintenance system", "the quality database"),
        "team": ("the plant managers", "maintenance", "quality", "the line supervisors"),
        "event": ("the line retooling", "the ISO recertification", "the plant shutdown", "the new product launch"),
    },
    "retail": {
        "thing": ("returns", "store transfers", "price changes", "vendor chargebacks", "markdowns"),
        "system": ("the POS", "our merchandising system", "the e-commerce platform", "the inventory app"),
        "team": ("the store managers", "merchandising", "loss prevention", "the buyers"),
        "event": ("the holiday season", "back to school", "the store remodel program", "the loyalty relaunch"),
    },
    "legal": {
        "thing": ("contract reviews", "NDAs", "matter intake requests", "billing entries", "discovery documents"),
        "system": ("the document management system", "our matter database", "the billing platform",
                   "shared folders"),
        "team": ("the paralegals", "the associates", "the partners", "legal ops"),
        "event": ("the trial calendar", "the firm retreat", "the billing system cutover", "year-end billing"),
    },
    "hospitality": {
        "thing": ("group bookings", "guest complaints", "housekeeping schedules", "event orders", "refund requests"),
        "system": ("the PMS", "our booking engine", "the event management tool", "the revenue system"),
        "team": ("the front office", "housekeeping", "sales and catering", "the general managers"),
        "event": ("the summer season", "the renovation", "the conference season", "the brand conversion"),
    },
    "energy": {
        "thing": ("field inspections", "outage reports", "meter exceptions", "permit applications",
                  "work packages"),
        "system": ("the asset management system", "our GIS", "the outage system", "the field app"),
        "team": ("the field techs", "asset management", "the control room", "engineering"),
        "event": ("storm season", "the rate case", "the meter rollout", "the substation upgrade"),
    },
    "insurance": {
        "thing": ("claims", "policy endorsements", "broker submissions", "renewal quotes", "loss runs"),
        "system": ("the policy admin system", "our claims platform", "the rating engine", "the broker portal"),
        "team": ("the adjusters", "underwriting", "the claims supervisors", "distribution"),
        "event": ("the January renewals", "the platform migration", "the reinsurance renewal",
                  "the state filing"),
    },
    "software": {
        "thing": ("support tickets", "renewal forecasts", "onboarding tasks", "bug reports", "usage reports"),
        "system": ("Salesforce", "our data warehouse", "Zendesk", "HubSpot", "Jira"),
        "team": ("customer success", "the support engineers", "RevOps", "the product team"),
        "event": ("the pricing change", "the SOC audit", "our fiscal year end", "the reorg"),
    },
    "public sector": {
        "thing": ("permit requests", "public records requests", "inspection reports", "service requests",
                  "grant reports"),
        "system": ("the permitting system", "our case tracker", "the county ERP", "the 311 system"),
        "team": ("the clerks", "the inspectors", "the department heads", "the IT division"),
        "event": ("the budget hearing", "the council vote", "the fiscal year rollover", "the election"),
    },
    "agriculture": {
        "thing": ("grower contracts", "load tickets", "spray records", "equipment hours", "harvest reports"),
        "system": ("the grain accounting system", "our farm management app", "the scale house software",
                   "paper binders"),
        "team": ("the agronomists", "the elevator managers", "the field crew", "the office staff"),
        "event": ("harvest", "planting season", "the co-op annual meeting", "the elevator expansion"),
    },
}

GENERIC: dict[str, tuple[str, ...]] = {
    "person": ("Maria", "Tom", "Priyanka", "Devon", "Keiko", "Luis", "Hannah", "Omar", "Grace", "Pete",
               "Aisha", "Bruno", "Nadia", "Walt", "Ingrid", "Sam", "Yusuf", "Carla", "Jonas", "Meera"),
    "boss": ("my boss", "our CFO", "the COO", "my VP", "the owner", "our controller", "the board",
             "our executive director", "the steering committee", "the managing partner", "our CIO",
             "the superintendent", "procurement", "my director", "the leadership team"),
    "role": ("CFO", "controller", "VP of operations", "IT director", "head of procurement", "CISO",
             "operations manager", "general counsel", "plant manager", "director of finance"),
    "vendor": ("Northwind", "Brightline", "Corvane", "Stackwell", "Kestrel", "Tandem Labs", "Orbis",
               "Fieldnote", "Quillo", "Meridian Soft", "Pinecrest", "Vantor"),
    "day": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
    "date": ("the third", "the ninth", "the fourteenth", "the twenty first", "March 10", "the 18th",
             "April second", "the twenty eighth", "June 5", "the first"),
    "time": ("at ten", "at two", "at 9:30", "at eleven", "at three thirty", "at noon", "at 4 pm",
             "first thing in the morning"),
    "quarter": ("Q3", "next quarter", "the fall", "January", "after the summer", "next fiscal year",
                "the second half", "Q1", "next spring", "the end of the year"),
    "num": ("two", "three", "five", "twelve", "fifteen", "twenty", "forty", "sixty", "a hundred", "7",
            "25", "30", "150", "eighteen", "four hundred"),
    "money": ("forty thousand dollars", "$80k", "about 200 grand", "a hundred and twenty thousand",
              "$15,000", "sixty thousand a year", "half a million", "$9,000 a month"),
    "pct": ("ten percent", "20%", "about a third", "fifteen percent", "8 percent", "nearly half",
            "thirty percent"),
    "unit_time": ("hours a week", "days a month", "hours every close", "minutes per ticket",
                  "days per request", "weeks per quarter"),
    "artifact": ("the proposal", "a pricing sheet", "the security packet", "a summary", "the deck",
                 "two references", "the ROI model", "a draft SOW", "the integration guide", "the recording",
                 "a sample report", "the contract redlines"),
    "meeting": ("a demo", "the pilot kickoff", "a technical deep dive", "a call with finance",
                "the security review", "a workshop", "the onsite visit", "a follow-up call"),
    "feature": ("the dashboard", "the approval workflow", "the mobile app", "the alerts", "the reporting",
                "the audit trail", "the scheduling piece", "the API", "the templates"),
}
