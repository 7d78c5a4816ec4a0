# Site: office area, lease, the operating address visited.
site-area-missing = No office area was recorded.
site-area-ok = Office area { $area } m² is at least { $min } m².
site-area-short = Office area { $area } m² is { $short } m² short of the required { $min } m².
site-area-no-photo = No photo of the office backs the entered area.
site-lease-owned = The company owns the premises (property certificate).
site-lease-missing = No lease or property certificate was recorded.
site-lease-not-covering = The lease { $start } to { $end } does not cover the inspection day { $today }.
site-lease-short = The lease term of { $months ->
    [one] { $months } month
   *[other] { $months } months
} is { $short ->
    [one] { $short } month
   *[other] { $short } months
} short of the required { $min }.
site-lease-ok = Lease term { $months ->
    [one] { $months } month
   *[other] { $months } months
} ({ $start } to { $end }).
site-lease-registered = The lease is registered with the housing bureau.
site-lease-unregistered = The lease is not registered with the housing bureau.
site-lease-registration-unknown = Housing-bureau registration is not stated.
site-lease-elsewhere = The { $what }'s address “{ $address }” is not the operating site “{ $site }”.
site-lease-address-unknown = The { $what }'s address was not entered, so it cannot be checked against the operating site.
site-lease-certificate-not-company = The property certificate names “{ $holder }”, not the company “{ $company }”: it does not prove the company owns the site, and a lease is needed.
site-lease-holder-unknown = The property certificate's owner was not entered, so it cannot tell whether the company owns the site or it is the landlord's certificate.
site-lease-landlord-certificate = With the landlord's ({ $holder }) property certificate.
site-lease-no-landlord-certificate = A lease needs a copy of the landlord's property certificate; none was provided.
site-doc-lease = lease
site-doc-property-certificate = property certificate
site-visit-outside = Photos outside the geofence or the inspection window: { $photos }.
site-visit-ok = { $n ->
    [one] One photo places
   *[other] { $n } photos place
} the visit at the operating address within the window.
site-visit-none = No photos were taken on site.
site-visit-review = Fewer than { $min } photos verify automatically; { $n ->
    [one] one needs
   *[other] { $n } need
} review: { $photos }.
site-visit-also-review = { $n ->
    [one] One more photo needs
   *[other] { $n } more photos need
} review: { $photos }.
# What to do: one sentence per kind of problem.
site-do-enter-area = Measure the office area on site and enter it (m²).
site-do-larger-office = The office must be at least { $min } m²: move to a larger office, or lease the adjoining space as well.
site-do-photograph-office = Photograph the whole office on site during the window, to back the area entered.
site-do-bring-lease = Bring the original lease; if the company owns the premises, bring the property certificate.
site-do-renew-lease = Renew the lease so that its term covers the inspection day.
site-do-longer-lease = Sign a lease with a term of at least { $min } months.
site-do-register-lease = Register the lease with the housing bureau and bring the registration certificate (房屋租赁登记备案证明).
site-do-lease-for-site = The lease must be for the operating site: bring the lease for that address, or correct the operating site to the lease's address.
site-do-enter-lease-address = Enter the address as the lease or certificate writes it.
site-do-enter-certificate-holder = Enter the owner as the property certificate names it.
site-do-bring-landlord-certificate = Get a copy of the landlord's property certificate and bring it.
site-do-photograph-site = Take photos at the operating site with the app's camera during the window.
