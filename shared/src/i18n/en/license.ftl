# License dates and approval deadlines (rehearsal reminders).
license-new-application = A new application: there is no current license.
license-missing = A renewal without the current license's dates.
license-renewal-late = The renewal was filed { $days ->
    [one] { $days } day
   *[other] { $days } days
} before expiry; at least { $min } are required ({ $short } too late).
license-renewal-ok-late = The renewal was filed { $days ->
    [one] { $days } day
   *[other] { $days } days
} before expiry ({ $recommended } recommended).
license-renewal-ok = The renewal was filed { $days ->
    [one] { $days } day
   *[other] { $days } days
} before expiry.
license-expired = The license expired on { $expires }.
license-term-odd = The license term ({ $issued } to { $expires }) is not { $years } years.
license-valid = The license is valid until { $expires }.
license-annual-ok = Every annual report was filed on time.
license-annual-missing = { $n ->
    [one] One annual report was
   *[other] { $n } annual reports were
} not filed in months { $first }–{ $last }: { $years }.
process-acceptance-missing = The acceptance date was not entered.
process-inspection-late = Inspected on working day { $days } after acceptance, { $over } past the { $max } allowed. This is the regulator's deadline, for information.
process-inspection-ok = Inspected on working day { $days } after acceptance.
process-decision-late = The decision came after { $days } { $unit }, { $over } past the { $max } allowed. This is the regulator's deadline, for information.
process-calendar-days = calendar days (from receipt of the application)
process-working-days = working days (from acceptance)
# What to do: one sentence per kind of problem.
license-do-enter-license = Enter the current license's issue and expiry dates.
license-do-renew-now = File the renewal as soon as possible.
license-do-apply-anew = The license has expired: apply as for a new license.
license-do-check-dates = Check the issue and expiry dates against the original license.
license-do-file-annual-reports = File the annual reports of the missing years.
# The annual inspection records of a renewal (000).
license-records-ok = The annual inspection records of { $first } to { $last } are on file, each passed.
license-records-none-due = No annual inspection was due yet since the license was issued.
license-records-failed = The annual inspection was not passed in: { $years }.
license-records-missing = { $n ->
    [one] The record of one year's annual inspection is
   *[other] The records of { $n } years' annual inspections are
} not on file: { $years }.
license-records-result-unknown = The record does not say whether the annual inspection was passed: { $years }.
# What to do.
license-do-rectify-annual-inspection = Rectify what the failed annual inspection named and bring the authority's acceptance of it.
license-do-bring-inspection-records = Bring the record of each year's annual inspection (a screenshot from the telecom business management system) with its result.
