# Problems with a photo as evidence (shared by the phone and the report).
photo-no-gps = The photo has no GPS position
photo-no-capture-time = The photo has no usable capture time
photo-outside-window = The photo was taken outside the inspection window
photo-outside-geofence = The photo was taken outside the registered site's geofence
photo-editing-software = The photo was processed by editing software ({ $software })
photo-gps-camera-skew = GPS time and camera time differ by { $seconds ->
    [one] { $seconds } second
   *[other] { $seconds } seconds
}
photo-no-exif = The photo has no EXIF data
photo-exif-error = The photo's EXIF data cannot be read ({ $error })
photo-from-gallery = The photo was imported from the gallery
