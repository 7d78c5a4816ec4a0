# Staff social insurance: count, months paid, local insurance, specialty, named leads.
role-license-lead = license lead
role-customer-service-lead = customer-service lead
role-network-security-lead = network-security lead
role-technical-lead = technical lead
role-agent = agent
role-other = other staff
staff-none-scanned = No social-insurance certificate was scanned.
staff-subject-insured = Staff insured by the company
staff-subject-months = Staff with enough consecutive months paid
staff-subject-local = Staff insured locally
staff-subject-specialty = Staff with a computer/telecom specialty
staff-subject-qualified = Staff who are each insured locally, of a computer/telecom specialty and insured long enough
staff-subject-agents = Agents or customer-service staff
staff-agents-new-license = A new license counts physical seats (the seat-count rule); agents and customer-service staff are counted for a renewal.
staff-person-role-unknown = { $who }: no role was noted at the scan
staff-person-not-agent = { $who }: not an agent or customer-service role
staff-count = { $what }: { $n } (at least { $min } required{ $short ->
    [0] {""}
   *[other] , { $short } short
}).
staff-counted = Counted: { $names }.
staff-not-counted = Not counted: { $reasons }.
staff-to-review = To review: { $reasons }.
staff-person-unreadable = { $who }: QR format not recognised
staff-person-charset-guessed = { $who }: QR text not recognised, and its character set was only guessed ({ $charset }): it may be misread
staff-person-id-invalid = { $who }: ID number fails its check digit
staff-person-other-employer = { $who }: insured by another employer
staff-person-employer-unknown = { $who }: employer not shown
staff-person-months-paid = { $who }: { $months ->
    [one] { $months } month
   *[other] { $months } months
} paid, { $short } short of the required { $min }
staff-person-months-unknown = { $who }: months paid not shown
staff-person-place-unknown = { $who }: insured place not shown
staff-person-insured-in = { $who }: insured in { $places }
staff-person-specialty-other = { $who }: specialty not computer/telecom
staff-person-specialty-unknown = { $who }: specialty not entered
staff-local-unconfigured = No local insured place is configured and the site names no city or province.
staff-lead-ok = The technical lead has { $years } years' telecom experience.
staff-lead-short = The technical lead has { $years } years' telecom experience, { $short } short of the required { $min }.
staff-lead-none = No insured technical lead.
staff-lead-years-unknown = The technical lead's experience was not entered.
staff-roles-ok = The named responsible persons ({ $roles }) are all among the insured staff.
staff-roles-missing = Not among the insured staff: { $roles }.
# What to do: one sentence per kind of problem.
staff-do-scan-certificates = Scan the QR code on each employee's social-insurance certificate.
staff-do-rescan-original = Scan the QR code on the original certificate again; if it still cannot be read, bring the original for the inspector to see.
staff-do-check-id = Check the ID number; if the scan got it wrong, bring the original certificate.
staff-do-insure-here = Have the company itself pay their social insurance.
staff-do-full-certificate = Print the full certificate, showing the employer, the place and the months paid, and scan it again.
staff-do-wait-months = { $min ->
    [one] One month
   *[other] { $min } months
} in a row are needed: apply once they are paid, or count employees who have them.
staff-do-insure-locally = Insure them locally.
staff-do-specialty = Count employees with a computer or telecom specialty.
staff-do-enter-specialty = Enter their specialty and bring the diploma.
staff-do-name-city = Write the city or province in the operating address, or set the local places in the rule profile.
staff-do-lead-experience = The technical lead must have at least { $min ->
    [one] one year
   *[other] { $min } years
} in telecom: appoint someone who has.
staff-do-insure-lead = Have the company pay the technical lead's social insurance, and mark their role when scanning.
staff-do-lead-years = Enter the technical lead's years in telecom and bring proof of their work history.
staff-do-insure-roles = Have the company pay the social insurance of the leads named, and mark their roles when scanning.
staff-do-note-role = Note each person's role (agent, customer service, lead…) at the scan.
staff-do-more-agents = Have agents or customer-service staff scanned to be counted, or take on more of them.
staff-person-lapsed = { $who }: last month paid { $last }, { $gap ->
    [one] one month
   *[other] { $gap } months
} before the inspection's month, more than { $max }: the insurance has lapsed
staff-do-pay-up = Pay the insurance up to the inspection's month (or the one before) and keep paying without a break until the license is granted.
