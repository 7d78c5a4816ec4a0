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
staff-count = { $what }: { $n } (at least { $min } required{ $short ->
    [0] {""}
   *[other] , { $short } short
}).
staff-counted = Counted: { $names }.
staff-not-counted = Not counted: { $reasons }.
staff-to-review = To review: { $reasons }.
staff-person-unreadable = { $who }: QR format not recognised
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
