# Seat labels: printed and stuck on each physical seat, scanned before the dial test.
labels-title = Seat labels
labels-seat = Seat
labels-hint = Scan with the inspection app before the dial test
labels-footer = Inspection { $inspection } · { $n ->
    [one] { $n } seat
   *[other] { $n } seats
} · print on A4 at actual size (no scaling)
