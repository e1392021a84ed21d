//! Lines on a byte stream: how both ends cut the pipe into messages.
//!
//! A pipe is a stream of bytes, not of messages. "One JSON object per line" is the framing: the
//! newline ends a message, and JSON never needs a raw newline inside one (serde_json escapes them).
//! Both ends also cap a line's length, so a peer that writes without ever sending `\n` cannot make
//! the other side buffer memory forever.

use std::io::{self, BufRead, Write};

use serde::Serialize;

/// The longest line either side accepts. Real messages are under 200 bytes.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// What [`read_line`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum LineRead {
    /// A line is in the buffer, without its `\n` (nor a Windows `\r`).
    Line,
    /// The line was longer than the limit. It was read to its end and thrown away, so the next
    /// call starts on the next line.
    TooLong,
    /// The other side closed its end: no more lines will come.
    Eof,
}

/// Reads one line into `line` (cleared first), holding at most `max` bytes of it.
pub fn read_line(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
    max: usize,
) -> io::Result<LineRead> {
    line.clear();
    let mut too_long = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if available.is_empty() {
            // End of stream. A last line without `\n` still counts as a line.
            return Ok(match (too_long, line.is_empty()) {
                (true, _) => LineRead::TooLong,
                (false, true) => LineRead::Eof,
                (false, false) => LineRead::Line,
            });
        }
        let newline = available.iter().position(|&byte| byte == b'\n');
        let chunk = &available[..newline.unwrap_or(available.len())];
        if !too_long && line.len() + chunk.len() <= max {
            line.extend_from_slice(chunk);
        } else {
            too_long = true;
            line.clear();
        }
        let used = newline.map_or(available.len(), |at| at + 1);
        reader.consume(used);
        if newline.is_some() {
            if too_long {
                return Ok(LineRead::TooLong);
            }
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Ok(LineRead::Line);
        }
    }
}

/// Writes `message` as one JSON line and flushes it.
///
/// The flush matters: the other side is blocked waiting for this line, and a message sitting in a
/// buffer is a message not sent. One `write` for the whole line also keeps two writers sharing a
/// pipe from interleaving halves of their messages.
pub fn write_message(writer: &mut impl Write, message: &impl Serialize) -> io::Result<()> {
    let mut line = serde_json::to_vec(message).map_err(io::Error::other)?;
    line.push(b'\n');
    writer.write_all(&line)?;
    writer.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(input: &[u8], max: usize) -> Vec<(LineRead, String)> {
        let mut reader = io::Cursor::new(input);
        let mut line = Vec::new();
        let mut seen = Vec::new();
        loop {
            let read = read_line(&mut reader, &mut line, max).unwrap();
            let done = read == LineRead::Eof;
            seen.push((read, String::from_utf8_lossy(&line).into_owned()));
            if done {
                return seen;
            }
        }
    }

    #[test]
    fn lines_are_cut_at_newlines_and_crlf_is_accepted() {
        assert_eq!(
            lines_of(b"one\r\ntwo\nlast", 100),
            vec![
                (LineRead::Line, "one".into()),
                (LineRead::Line, "two".into()),
                (LineRead::Line, "last".into()),
                (LineRead::Eof, "".into()),
            ]
        );
    }

    #[test]
    fn a_line_over_the_limit_is_skipped_and_the_next_one_is_read() {
        assert_eq!(
            lines_of(b"0123456789\nok\n", 5),
            vec![
                (LineRead::TooLong, "".into()),
                (LineRead::Line, "ok".into()),
                (LineRead::Eof, "".into()),
            ]
        );
    }

    #[test]
    fn a_long_line_split_across_buffer_refills_is_still_caught() {
        // A 4-byte buffer forces `fill_buf` to hand the line over in pieces.
        let mut reader = io::BufReader::with_capacity(4, &b"abcdefghij\nxy\n"[..]);
        let mut line = Vec::new();
        assert_eq!(
            read_line(&mut reader, &mut line, 6).unwrap(),
            LineRead::TooLong
        );
        assert_eq!(
            read_line(&mut reader, &mut line, 6).unwrap(),
            LineRead::Line
        );
        assert_eq!(line, b"xy");
    }

    #[test]
    fn a_message_is_written_as_one_json_line() {
        let mut out = Vec::new();
        write_message(&mut out, &serde_json::json!({"id": 1})).unwrap();
        assert_eq!(out, b"{\"id\":1}\n");
    }
}
