# The call-center system: functions demonstrated on site, recording retention.
system-fn-caller-id-screening = caller-ID screening
system-fn-complaint-handling = complaint handling
system-fn-inbound = inbound calls
system-fn-outbound = outbound calls
system-fn-recording = recording
system-fn-data-storage = data storage
system-demo-missing = No demonstration of { $function } was recorded.
system-demo-ok = Demonstrated on site: { $function }.
system-demo-failed = Could not be demonstrated: { $function }.
system-demo-no-capture = No screenshot backs it.
system-retention-missing = Neither the days the system is set to keep recordings nor the date of the oldest playable recording was recorded.
system-retention-ok = The oldest playable recording is from { $oldest }: { $days ->
    [one] { $days } day
   *[other] { $days } days
} kept.
system-retention-short = The oldest playable recording is from { $oldest }: { $days ->
    [one] { $days } day
   *[other] { $days } days
} kept, { $short } short of the required { $min }.
system-retention-configured-ok = The system is set to keep recordings { $days ->
    [one] { $days } day
   *[other] { $days } days
} (its setting seen on site), at least the { $min } required.
system-retention-configured-short = The system is set to keep recordings only { $days ->
    [one] { $days } day
   *[other] { $days } days
}, { $short } short of the required { $min }.
system-retention-setting-unknown = The oldest playable recording is from { $oldest }, { $days ->
    [one] { $days } day
   *[other] { $days } days
} old; the days the system is set to keep recordings were not recorded, so whether it keeps them { $min } days cannot be told.
system-retention-renewal-missing = A renewal provides the recordings of the last { $months ->
    [one] month
   *[other] { $months } months
}; the date of the oldest playable recording was not recorded.
system-functions-failed = Not demonstrated: { $functions }.
system-functions-missing = No system function check was recorded.
system-functions-unchecked = Not checked: { $functions }.
system-functions-ok = Demonstrated: { $functions }.
# What to do: one sentence per kind of problem.
system-do-demonstrate = Demonstrate the function live at the inspection and take a screen capture.
system-do-capture = Take a screen capture during the demonstration.
system-do-keep-recordings = Set the system to keep recordings at least { $min ->
    [one] one day
   *[other] { $min } days
}, and demonstrate playback on site.
system-do-show-retention-setting = Open the system's recording-retention setting on site, enter the days it is set to and take a screen capture.
system-do-bring-recordings = Have the recordings of the last { $months ->
    [one] month
   *[other] { $months } months
} ready, play back the oldest on site and enter its date.
