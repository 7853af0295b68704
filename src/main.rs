//! Entry point: install the panic hook and mount the app. The app lives in `lib.rs`.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(panopticon::App);
}
