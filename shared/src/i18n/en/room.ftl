# Machine room or rack, UPS, fire extinguisher, access log.
room-no-photo = No photo backs it.
room-missing = No machine room or rack was recorded.
room-own-room = The company has an independent machine room.
room-own-rack = The company has a dedicated rack.
room-none = There is no machine room or rack.
room-hosting-not-accepted = This profile does not accept carrier hosting.
room-hosting-not-carrier = the host ({ $carrier }) is not a carrier this profile accepts
room-hosting-no-agreement = the hosting agreement is missing
room-hosting-no-license = the IDC/ISP license copy is missing
room-hosting-ok = Hosted in a { $carrier } data center, with the hosting agreement and the license.
room-hosting-incomplete = Carrier hosting: { $problems }.
room-ups-missing = The UPS was not checked.
room-ups-none = There is no UPS.
room-ups-abnormal = The UPS does not show normal status.
room-ups-ok = The UPS works normally.
room-ups-ok-model = The UPS ({ $model }) works normally.
room-ups-runtime-short = The UPS runtime of { $runtime } minutes is { $short } minutes short of the required { $min }.
room-ups-runtime-unknown = The UPS runtime was not recorded.
room-extinguisher-missing = The fire extinguisher was not checked.
room-extinguisher-none = There is no fire extinguisher.
room-extinguisher-pressure = The extinguisher's pressure gauge is out of range.
room-extinguisher-expired = The extinguisher's inspection tag expired on { $until } ({ $days ->
    [one] { $days } day
   *[other] { $days } days
} ago).
room-extinguisher-ok = The extinguisher is in order, its inspection valid until { $until }.
room-extinguisher-date-unknown = The extinguisher is present, but its inspection date was not recorded.
room-access-missing = The access-control log was not checked.
room-access-none = There is no access-control log.
room-access-stale = The latest access-log entry is from { $last } ({ $age ->
    [one] { $age } day
   *[other] { $age } days
} ago), more than { $max } days.
room-access-ok = The access log's latest entry is from { $last }.
room-access-date-unknown = An access log exists, but its latest entry date was not recorded.
