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
system-retention-missing = The oldest playable recording was not recorded.
system-retention-ok = The oldest playable recording is from { $oldest }: { $days ->
    [one] { $days } day
   *[other] { $days } days
} kept.
system-retention-short = The oldest playable recording is from { $oldest }: { $days ->
    [one] { $days } day
   *[other] { $days } days
} kept, { $short } short of the required { $min }.
system-functions-failed = Not demonstrated: { $functions }.
system-functions-missing = No system function check was recorded.
system-functions-unchecked = Not checked: { $functions }.
system-functions-ok = Demonstrated: { $functions }.
# What to do: one sentence per kind of problem.
system-do-demonstrate = Demonstrate the function live at the inspection and take a screen capture.
system-do-capture = Take a screen capture during the demonstration.
system-do-find-oldest-recording = Find the oldest recording the system can play back and record its date.
system-do-keep-recordings = Set the system to keep recordings at least { $min ->
    [one] one day
   *[other] { $min } days
}, and demonstrate playback on site.
