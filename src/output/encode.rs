//! Bytes for the terminal: the rows a frame writes, the cursor moves
//! between them, colours, links and the scrolls that move bands of rows,
//! each the shortest this backend knows. The weighing of which to send is
//! the parent's; this module only encodes.

use super::*;

/// Writes the rows that differ between the screen (after the trial's
/// scroll) and the rows wanted; `false` if that came to more than its
/// limit (and `out` holds a part).
pub(super) fn emit_rows(
    view: &View<'_>,
    trial: Trial<'_>,
    width: usize,
    height: usize,
    state: &mut State,
    out: &mut Vec<u8>,
) -> bool {
    let scroll = trial.scroll;
    for y in 0..view.target.len() {
        if out.len() > trial.limit {
            return false;
        }
        let untouched = matches!(view.target.get(y), Some(None));
        let moved =
            scroll.is_some_and(|s| (usize::from(s.top)..usize::from(s.bottom)).contains(&y));
        if untouched && !moved && view.screen.get(y).is_some_and(Option::is_some) {
            continue;
        }
        if trial.same.get(y) == Some(&true) {
            continue;
        }
        let Some(new) = view.new_row(y) else {
            continue;
        };
        // Written in place, a row differs from the one on screen only
        // where it was built again.
        let span = match scroll {
            None => view.spans.get(y).copied().unwrap_or((0, width)),
            Some(_) => (0, width),
        };
        let at = (y, span, width, height);
        match view.old_row(y, scroll) {
            Some((old, old_hash)) => {
                let surely_differs =
                    matches!((old_hash, view.new_hash(y)), (Some(a), Some(b)) if a != b);
                if surely_differs || old != new {
                    emit_row(Some(old), new, at, view.tables(), state, out);
                }
            }
            None => emit_row(
                None,
                new,
                (y, (0, width), width, height),
                view.tables(),
                state,
                out,
            ),
        }
    }
    // The pen is left as it is: the next frame often starts with the same
    // one (the reading pane's border), and what needs the default pen sets
    // it (scrolls, erases, `clear_region`, the terminal's restore).
    out.len() <= trial.limit
}

/// Writes the changed runs of row `y` (all of it if `old` is unknown),
/// which differ only in the columns `span`.
pub(super) fn emit_row(
    old: Option<&Row>,
    new: &Row,
    (y, span, width, height): (usize, (usize, usize), usize, usize),
    (links, long): (&Links, &compact::Long),
    state: &mut State,
    out: &mut Vec<u8>,
) {
    let differs = |x: usize| old.is_none_or(|o| o.get(x) != new.get(x));
    // A cut between columns is clean where a glyph starts in both rows.
    let clean = |x: usize| {
        x == 0
            || x >= width
            || (new.get(x).is_some_and(|g| g.width > 0)
                && old.is_none_or(|o| o.get(x).is_some_and(|g| g.width > 0)))
    };
    // The blank end of the new row, cleared with one CSI K.
    let mut tail = width;
    while tail > 0 && new[tail - 1].is_blank() {
        tail -= 1;
    }
    while !clean(tail) {
        tail += 1;
    }
    let scan_end = span.1.min(width);
    let mut x = span.0;
    while x < scan_end {
        if !differs(x) {
            x += 1;
            continue;
        }
        let mut start = x;
        while !clean(start) {
            start -= 1;
        }
        // Extend the run over changes and short unchanged gaps.
        let mut end = x + 1;
        let mut probe = end;
        while probe < width {
            if differs(probe) {
                end = probe + 1;
                probe = end;
            } else if probe - end < JOIN_GAP {
                probe += 1;
            } else {
                break;
            }
        }
        while !clean(end) {
            end += 1;
        }
        if end > tail {
            // The run reaches the blank end of the row: write up to it and
            // erase the rest, unless a few spaces are cheaper.
            let more_after = (end..scan_end).any(differs);
            if end - tail >= 3 || more_after {
                write_run(
                    old,
                    new,
                    start.min(tail),
                    tail,
                    (y, width, height),
                    (links, long),
                    state,
                    out,
                );
                move_to(tail, y, width, height, state, out);
                set_pen(Pen::DEFAULT, state, out);
                set_link(0, links, state, out);
                out.extend_from_slice(b"\x1b[K");
                return;
            }
        }
        write_run(
            old,
            new,
            start,
            end,
            (y, width, height),
            (links, long),
            state,
            out,
        );
        x = end;
    }
}

/// Prints the glyphs of `row[start..end]` (`start` is a glyph start),
/// erasing runs of blanks with `CSI n X` where that is shorter.
#[allow(clippy::too_many_arguments)]
pub(super) fn write_run(
    old: Option<&Row>,
    row: &Row,
    start: usize,
    end: usize,
    (y, width, height): (usize, usize, usize),
    (links, long): (&Links, &compact::Long),
    state: &mut State,
    out: &mut Vec<u8>,
) {
    if start >= end {
        return;
    }
    move_to(start, y, width, height, state, out);
    let mut x = start;
    while x < end {
        let glyph = &row[x];
        let step = usize::from(glyph.width.max(1));
        if glyph.width == 0 {
            // The right half of a wide glyph whose left half was not
            // written: cannot happen for clean runs; move on safely.
            x += 1;
            state.cursor = None;
            continue;
        }
        if state.cursor.is_none() {
            move_to(x, y, width, height, state, out);
        }
        if glyph.is_blank() {
            let blanks = row[x..end].iter().take_while(|g| g.is_blank()).count();
            let after = x + blanks;
            // Erasing must not split a wide glyph still on screen.
            let clean =
                after == end || old.is_none_or(|o| o.get(after).is_some_and(|g| g.width > 0));
            let digits = if blanks < 10 {
                1
            } else if blanks < 100 {
                2
            } else {
                3
            };
            let erase = 3 + digits;
            let skip = if after == end { 0 } else { 3 + digits };
            if clean && erase + skip < blanks {
                set_pen(Pen::DEFAULT, state, out);
                set_link(0, links, state, out);
                let _ = write!(out, "\x1b[{blanks}X");
                if after < end {
                    let _ = write!(out, "\x1b[{blanks}C");
                }
                if after < end {
                    state.cursor = Some((after as u16, y as u16));
                }
                x = after;
                continue;
            }
        }
        set_pen(glyph.pen, state, out);
        set_link(glyph.link, links, state, out);
        glyph.symbol.write_to(long, out);
        x += step;
        // Terminals disagree on how wide a sequence such as an emoji with a
        // joiner is: after one, place the next glyph absolutely, as the
        // plain backend does after every wide glyph.
        state.cursor = (!glyph.uncertain).then_some((x.min(width) as u16, y as u16));
    }
}

/// Moves the cursor to `(x, y)` the cheapest way.
pub(super) fn move_to(
    x: usize,
    y: usize,
    width: usize,
    height: usize,
    state: &mut State,
    out: &mut Vec<u8>,
) {
    let absolute = |out: &mut Moves| match (x, y) {
        (0, 0) => out.extend_from_slice(b"\x1b[H"),
        (0, y) => {
            let _ = write!(out, "\x1b[{}H", y + 1);
        }
        (x, y) => {
            let _ = write!(out, "\x1b[{};{}H", y + 1, x + 1);
        }
    };
    // Candidates are built on the stack: this runs several times a frame.
    let mut best = Moves::default();
    absolute(&mut best);
    if let Some((cx, cy)) = state.cursor {
        let (cx, cy) = (usize::from(cx), usize::from(cy));
        let pending_wrap = cx >= width;
        if cy == y && !pending_wrap && x >= cx {
            let mut option = Moves::default();
            forward(x - cx, &mut option);
            if option.len <= best.len {
                best = option;
            }
        }
        if cy == y {
            let mut option = Moves::default();
            option.push(b'\r');
            forward(x, &mut option);
            if option.len < best.len {
                best = option;
            }
        }
        // A line feed on the last row, or on the last row of the scrolling
        // region, would scroll.
        let scrolls = state
            .region
            .is_some_and(|(_, bottom)| usize::from(bottom) == cy + 1);
        if cy + 1 == y && y < height && !scrolls {
            let mut option = Moves::default();
            option.extend_from_slice(b"\r\n");
            forward(x, &mut option);
            if option.len < best.len {
                best = option;
            }
        }
    }
    out.extend_from_slice(best.bytes());
    state.cursor = Some((x as u16, y as u16));
}

/// Moves the cursor `n` columns right (`CSI n C`; nothing for none).
pub(super) fn forward(n: usize, out: &mut impl Write) {
    let _ = match n {
        0 => Ok(()),
        1 => out.write_all(b"\x1b[C"),
        n => write!(out, "\x1b[{n}C"),
    };
}

/// A cursor movement being weighed: at most `CSI 500;1000H`, 11 bytes.
#[derive(Clone, Copy, Default)]
pub(super) struct Moves {
    buf: [u8; 16],
    len: usize,
}

impl Moves {
    fn bytes(&self) -> &[u8] {
        &self.buf[..self.len.min(self.buf.len())]
    }

    fn push(&mut self, byte: u8) {
        self.extend_from_slice(&[byte]);
    }

    fn extend_from_slice(&mut self, bytes: &[u8]) {
        // Longer than any move could be: then it is never the shortest.
        if self.len > self.buf.len() {
            return;
        }
        let end = (self.len + bytes.len()).min(self.buf.len());
        let take = end - self.len;
        self.buf[self.len..end].copy_from_slice(&bytes[..take]);
        self.len = if take < bytes.len() { usize::MAX } else { end };
    }
}

impl Write for Moves {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Opens the hyperlink `id` for the glyphs written next, or closes the one
/// open (`id` 0), with OSC 8. An id with no URL (the table was started
/// afresh) closes.
pub(super) fn set_link(id: u32, links: &Links, state: &mut State, out: &mut Vec<u8>) {
    if state.link == id {
        return;
    }
    match links.url(id) {
        Some(url) if id != 0 => {
            out.extend_from_slice(b"\x1b]8;;");
            out.extend_from_slice(url.as_bytes());
            out.extend_from_slice(b"\x1b\\");
            state.link = id;
        }
        _ => {
            if state.link != 0 {
                out.extend_from_slice(b"\x1b]8;;\x1b\\");
            }
            state.link = 0;
        }
    }
}

/// Sets colours and attributes, in one SGR sequence.
pub(super) fn set_pen(pen: Pen, state: &mut State, out: &mut Vec<u8>) {
    if state.pen == Some(pen) {
        return;
    }
    let start = out.len();
    out.extend_from_slice(b"\x1b[");
    let from = match state.pen {
        Some(from) if from.modifier.difference(pen.modifier).is_empty() => from,
        _ => {
            out.extend_from_slice(b"0;");
            Pen::DEFAULT
        }
    };
    let added = pen.modifier.difference(from.modifier);
    for (flag, code) in [
        (Modifier::BOLD, b"1;"),
        (Modifier::DIM, b"2;"),
        (Modifier::ITALIC, b"3;"),
        (Modifier::UNDERLINED, b"4;"),
        (Modifier::SLOW_BLINK, b"5;"),
        (Modifier::RAPID_BLINK, b"6;"),
        (Modifier::REVERSED, b"7;"),
        (Modifier::HIDDEN, b"8;"),
        (Modifier::CROSSED_OUT, b"9;"),
    ] {
        if added.contains(flag) {
            out.extend_from_slice(code);
        }
    }
    for (wanted, had, layer) in [
        (pen.fg, from.fg, Layer::Foreground),
        (pen.bg, from.bg, Layer::Background),
        (pen.underline, from.underline, Layer::Underline),
    ] {
        if wanted != had {
            color_param(color_of(wanted), layer, out);
            out.push(b';');
        }
    }
    state.pen = Some(pen);
    if out.len() == start + 2 {
        // Nothing to say after all.
        out.truncate(start);
        return;
    }
    // The last parameter's `;` becomes the final `m`.
    if let Some(last) = out.last_mut() {
        *last = b'm';
    }
}

#[derive(Clone, Copy)]
pub(super) enum Layer {
    Foreground,
    Background,
    Underline,
}

/// Writes the SGR parameter for a colour (the 16 named colours as 30–37
/// and 90–97, which terminals show the same as crossterm's `38;5;n`).
pub(super) fn color_param(color: Color, layer: Layer, out: &mut Vec<u8>) {
    let named = match color {
        Color::Black => Some(0),
        Color::Red => Some(1),
        Color::Green => Some(2),
        Color::Yellow => Some(3),
        Color::Blue => Some(4),
        Color::Magenta => Some(5),
        Color::Cyan => Some(6),
        Color::Gray => Some(7),
        Color::DarkGray => Some(8),
        Color::LightRed => Some(9),
        Color::LightGreen => Some(10),
        Color::LightYellow => Some(11),
        Color::LightBlue => Some(12),
        Color::LightMagenta => Some(13),
        Color::LightCyan => Some(14),
        Color::White => Some(15),
        _ => None,
    };
    let _ = match (layer, color, named) {
        (Layer::Foreground, Color::Reset, _) => write!(out, "39"),
        (Layer::Background, Color::Reset, _) => write!(out, "49"),
        (Layer::Underline, Color::Reset, _) => write!(out, "59"),
        (Layer::Foreground, _, Some(n)) if n < 8 => write!(out, "{}", 30 + n),
        (Layer::Foreground, _, Some(n)) => write!(out, "{}", 90 + n - 8),
        (Layer::Background, _, Some(n)) if n < 8 => write!(out, "{}", 40 + n),
        (Layer::Background, _, Some(n)) => write!(out, "{}", 100 + n - 8),
        (Layer::Underline, _, Some(n)) => write!(out, "58;5;{n}"),
        (layer, Color::Indexed(n), _) => write!(out, "{};5;{n}", extended(layer)),
        (layer, Color::Rgb(r, g, b), _) => write!(out, "{};2;{r};{g};{b}", extended(layer)),
        (layer, _, _) => write!(out, "{};5;0", extended(layer)),
    };
}

pub(super) fn extended(layer: Layer) -> u8 {
    match layer {
        Layer::Foreground => 38,
        Layer::Background => 48,
        Layer::Underline => 58,
    }
}

/// Moves a band with delete-line and insert-line (VT102): lines are
/// deleted first, so nothing below the band is pushed off the screen, and
/// the cursor ends on the first row uncovered, ready to write it.
pub(super) fn scroll_by_lines(scroll: Scroll, height: usize, state: &mut State, out: &mut Vec<u8>) {
    // Lines are inserted and deleted only inside the scrolling region.
    reset_region(state, out);
    let count = scroll.amount.unsigned_abs() as usize;
    let (top, bottom) = (usize::from(scroll.top), usize::from(scroll.bottom));
    let edit = |row: usize, letter: char, out: &mut Vec<u8>| {
        if row == 0 {
            out.extend_from_slice(b"\x1b[H");
        } else {
            let _ = write!(out, "\x1b[{}H", row + 1);
        }
        if count == 1 {
            let _ = write!(out, "\x1b[{letter}");
        } else {
            let _ = write!(out, "\x1b[{count}{letter}");
        }
    };
    let (delete_at, insert_at) = if scroll.amount > 0 {
        (top, bottom - count)
    } else {
        (bottom - count, top)
    };
    edit(delete_at, 'M', out);
    if scroll.amount > 0 && bottom == height {
        // The blank lines came in at the bottom already.
        state.cursor = Some((0, delete_at as u16));
        return;
    }
    edit(insert_at, 'L', out);
    state.cursor = Some((0, insert_at as u16));
}

/// The scrolling region that moves `scroll`'s band (`None`: the whole
/// screen).
pub(super) fn region_for(scroll: Scroll, height: usize) -> Option<(u16, u16)> {
    (!(scroll.top == 0 && usize::from(scroll.bottom) == height))
        .then_some((scroll.top, scroll.bottom))
}

/// Sets the scrolling region back to the whole screen, if it is not.
pub(super) fn reset_region(state: &mut State, out: &mut Vec<u8>) {
    if state.region.take().is_some() {
        out.extend_from_slice(b"\x1b[r");
        // Setting the region moves the cursor home on most terminals.
        state.cursor = None;
    }
}

/// Moves a band with a scrolling region (DECSTBM) and a scroll (`CSI n S`
/// or `T`, which leave the cursor where it is). The region stays set for
/// the next frame; it is reset before anything that needs the whole
/// screen (inserting or deleting lines, a clear, leaving).
pub(super) fn scroll_by_region(
    scroll: Scroll,
    height: usize,
    state: &mut State,
    out: &mut Vec<u8>,
) {
    let wanted = region_for(scroll, height);
    if state.region != wanted {
        match wanted {
            Some((top, bottom)) => {
                let _ = write!(out, "\x1b[{};{}r", top + 1, bottom);
                state.region = wanted;
                // Setting the region moves the cursor home on most terminals.
                state.cursor = None;
            }
            None => reset_region(state, out),
        }
    }
    let count = scroll.amount.unsigned_abs();
    let letter = if scroll.amount > 0 { 'S' } else { 'T' };
    if count == 1 {
        let _ = write!(out, "\x1b[{letter}");
    } else {
        let _ = write!(out, "\x1b[{count}{letter}");
    }
}
