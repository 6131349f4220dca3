//! What the reader sees, independent of the browser: the page's state as a URL hash, and the charts
//! (generic over the plotters backend: a canvas in the page, SVG on the command line).

pub mod chart;
pub mod controls;
pub mod essay;
pub mod inside;
pub mod panels;
pub mod state;
