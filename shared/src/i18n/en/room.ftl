# Machine room or rack, UPS, fire extinguisher, access log.
room-no-photo = No photo backs it.
room-missing = No machine room or rack was recorded.
room-own-room = The company has an independent machine room.
room-own-rack = The company has a dedicated rack.
room-none = There is no machine room or rack.
room-hosting-not-accepted = This profile does not accept hosting in a third party's machine room.
room-hosting-no-agreement = the hosting agreement is missing
room-hosting-no-license = the IDC/ISP license copy is missing
room-hosting-ok = Hosted in the machine room of { $carrier }, with the hosting agreement and the machine room's IDC/ISP licence.
room-hosting-incomplete = Hosting in a third party's machine room: { $problems }.
room-cloud-not-accepted = This profile does not accept cloud seats (the system in a cloud provider's machine room).
room-cloud-no-plan = the technical plan stating where the data lands and is backed up is missing
room-cloud-no-landing = the technical plan does not state where the data lands
room-cloud-no-backup = the technical plan does not state where the data is backed up
room-cloud-ok = Cloud seats at { $provider }, with the cloud-service agreement and the machine room's IDC licence.
room-cloud-ok-located = Cloud seats at { $provider }, with the cloud-service agreement and the machine room's IDC licence; the technical plan has the data land in { $landing } and backed up in { $backup }.
room-cloud-incomplete = Cloud seats: { $problems }.
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
# What to do: one sentence per kind of problem.
room-do-check-room = Look at the machine room or rack on site and record it.
room-do-photograph = Take a photo on site during the window to back it.
room-do-get-room = Set up a machine room or rack of your own, or sign a hosting agreement with a licensed data centre.
room-do-own-room = This profile requires a machine room or rack of your own: set one up.
room-do-bring-hosting-agreement = Bring the hosting agreement signed with the data centre.
room-do-bring-idc-license = Bring a copy of the data centre's IDC/ISP licence.
room-do-own-or-hosted = This profile does not accept cloud seats: set up a machine room or rack of your own, or host it in a third party's machine room.
room-do-bring-technical-plan = Bring the technical plan, stating where the data lands and where it is backed up.
room-do-check-ups = Check the UPS in the machine room and record its model, state and runtime.
room-do-fix-ups = Install or repair the UPS so that it works at the inspection.
room-do-ups-runtime = Replace the batteries or add capacity so that the UPS runs at least { $min } minutes.
room-do-record-ups-runtime = Record the UPS runtime (minutes).
room-do-check-extinguisher = Check the extinguisher in the machine room and record its pressure gauge and inspection date.
room-do-get-extinguisher = Put a fire extinguisher in the machine room.
room-do-service-extinguisher = Replace or service the extinguisher so that its pressure is normal and its inspection label current.
room-do-record-extinguisher-date = Record the expiry date on the extinguisher's inspection label.
room-do-check-access-log = Look at the machine room's access log and record the date of its latest entry.
room-do-keep-access-log = Put access control on the machine room and keep its recent entries.
