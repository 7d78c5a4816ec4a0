# Problems with a photo as evidence (shared by the phone and the report).
photo-no-gps = The photo has no GPS position
photo-no-capture-time = The photo has no usable capture time
photo-before-window = The photo was taken { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
} before the inspection window opened
photo-after-window = The photo was taken { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
} after the inspection window closed
photo-outside-geofence = The photo was taken { $distance } m from the operating site, { $beyond } m beyond its { $radius } m radius
photo-editing-software = The photo was processed by editing software ({ $software })
photo-gps-camera-skew = GPS time and camera time differ by { $seconds ->
    [one] { $seconds } second
   *[other] { $seconds } seconds
}
photo-no-exif = The photo has no EXIF data
photo-exif-error = The photo's EXIF data cannot be read ({ $error })
photo-from-gallery = The photo was imported from the gallery
photo-item = { $item }: { $reasons }
# The likely cause, when the data shows it.
photo-cause-gcj02 = likely cause: the position is GCJ-02 (Chinese map coordinates) written as WGS-84; converted, it is { $distance } m from the site, inside its range
photo-cause-sign-lost = likely cause: the GPS reference tag (N/S, E/W) was lost, putting the position in the other hemisphere
photo-cause-no-offset = likely cause: the capture time has no offset and was read as { $time_zone } time
photo-cause-camera-clock = likely cause: the camera clock is wrong; by GPS time the photo was taken inside the window
# What to do: one sentence per kind of problem.
photo-do-turn-on-location = Turn on location and retake the photo on site with the app's camera.
photo-do-retake-in-window = Retake the photo on site during the inspection window.
photo-do-retake-on-site = Retake the photo inside the operating site.
photo-do-hand-in-original = Hand in the original photo from the camera, not an edited copy.
photo-do-set-clock = Set the phone to take its time from the network, then retake the photo.
photo-do-keep-exif = Retake the photo with the app's camera; photos passed through chat apps lose their EXIF data.
photo-do-use-app-camera = Take the photo with the app's camera instead of importing it from the gallery.
# Photos that back a rule.
photo-backing-outside = Photos backing this were not taken at the operating site during the inspection window and do not count: { $photos }.
photo-backing-unproven = No photo backing this holds up; to review: { $photos }.
