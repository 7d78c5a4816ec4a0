//! `uniffi-bindgen generate --library target/…/libhecha_mobile.so --language kotlin|swift|python`
fn main() {
    uniffi::uniffi_bindgen_main()
}
