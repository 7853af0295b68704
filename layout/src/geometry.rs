//! Points and rectangles in the layout's coordinate space (SVG user units,
//! y grows downwards).

/// A position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Horizontal position, growing to the right.
    pub x: f64,
    /// Vertical position, growing downwards (as in SVG).
    pub y: f64,
}

impl Point {
    /// A point at `(x, y)`.
    pub const fn new(x: f64, y: f64) -> Point {
        Point { x, y }
    }
}

/// An axis-aligned box, given by its top-left corner and size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width, never negative.
    pub width: f64,
    /// Height, never negative.
    pub height: f64,
}

impl Rect {
    /// Right edge.
    pub fn right(&self) -> f64 {
        self.x + self.width
    }

    /// Bottom edge.
    pub fn bottom(&self) -> f64 {
        self.y + self.height
    }

    /// The centre, where labels are anchored.
    pub fn center(&self) -> Point {
        Point::new(self.x + self.width / 2.0, self.y + self.height / 2.0)
    }

    /// Whether the two boxes share interior area (touching edges do not count),
    /// which the layout promises never happens between two nodes.
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64), expect: bool) {
        let r = |(x, y, width, height)| Rect {
            x,
            y,
            width,
            height,
        };
        assert_eq!(r(a).overlaps(&r(b)), expect, "{a:?} vs {b:?}");
        assert_eq!(r(b).overlaps(&r(a)), expect, "{b:?} vs {a:?} (symmetry)");
    }

    #[test]
    fn overlaps() {
        check((0.0, 0.0, 10.0, 10.0), (5.0, 5.0, 10.0, 10.0), true);
        check((0.0, 0.0, 10.0, 10.0), (2.0, 2.0, 1.0, 1.0), true);
        check((0.0, 0.0, 10.0, 10.0), (10.0, 0.0, 10.0, 10.0), false);
        check((0.0, 0.0, 10.0, 10.0), (0.0, 10.0, 10.0, 10.0), false);
        check((0.0, 0.0, 10.0, 10.0), (20.0, 20.0, 1.0, 1.0), false);
        check((0.0, 0.0, 10.0, 10.0), (9.9, 9.9, 1.0, 1.0), true);
    }
}
