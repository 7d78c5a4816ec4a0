# Agent seats: count, live dial tests, equipment.
seats-none = No seat was identified.
seats-count-ok = { $n ->
    [one] One physical seat
   *[other] { $n } physical seats
} identified (at least { $min } required).
seats-count-short = Only { $n ->
    [one] one physical seat
   *[other] { $n } physical seats
} identified, { $short } short of the required { $min }.
seats-count-renewal-people = A renewal counts agents and customer-service staff (the agents rule), not seat positions.
seats-seat = { $seat }: { $why }
seats-dial-wrong-number = dialed { $number }, which is not a { $prefix } number
seats-dial-not-connected = not connected
seats-dial-no-caller-id = caller ID not shown
seats-dial-no-playback = recording not played back
seats-dial-outside-window = test time { $at } is outside the inspection window (by { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
})
seats-dial-untested = no dial test
seats-dial-none = No dial test was recorded.
seats-dial-ok = { $n ->
    [one] The seat passed
   *[other] All { $n } seats passed
} the live dial test.
seats-dial-failed = { $n ->
    [one] One seat failed
   *[other] { $n } seats failed
} the dial test: { $seats }.
seats-equipment-missing = Seat equipment was not checked.
seats-equipment-ok = { $n ->
    [one] The seat has
   *[other] All { $n } seats have
} a phone, a computer and a headset.
seats-equipment-lacking = { $n ->
    [one] One seat lacks
   *[other] { $n } seats lack
} equipment: { $seats }.
seats-equipment-no-photo = No photo of the seats backs it.
# What to do: one sentence per kind of problem.
seats-do-record-seats = Record the equipment check and a dial test for every physical seat.
seats-do-more-seats = Set up { $short ->
    [one] one more physical seat
   *[other] { $short } more physical seats
}.
seats-do-dial = During the window, dial the company's call-center number from every seat, check that the caller ID shows and play the recording back.
seats-do-check-equipment = Check each seat's phone (or softphone), computer and headset.
seats-do-equip = Give every seat a phone (or softphone), a computer and a headset.
seats-do-photograph = Photograph the seats during the window.
