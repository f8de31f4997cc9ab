//! A bare iced 0.14 window, with the same features and renderer as Keyholder and the same size:
//! the yardstick Keyholder's start-up is measured against (benches/startup.sh).

fn update(_: &mut (), _: ()) {}

fn view(_: &()) -> iced::Element<'_, ()> {
    iced::widget::text("Keyholder").into()
}

fn main() -> iced::Result {
    iced::application(|| (), update, view)
        .window_size((1280.0, 800.0))
        .centered()
        .run()
}
