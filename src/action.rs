//! Typed actions: everything a key can ask brief to do.
//!
//! The keymap file names actions by their [`Action::name`]; at load time the
//! names become these variants, and from then on only variants travel. Each
//! variant's [`Action::description`] is its one line of help text, used by
//! the help overlay and the status-line hints, so nothing lists keys by hand.
//! Which contexts an action may be bound in is [`Action::contexts`].

use std::fmt;

/// Where a key is pressed: the keymap has one table of bindings per context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    /// Anywhere, unless the focused context binds the key itself.
    Global,
    /// The outline pane has focus.
    Outline,
    /// The reading pane has focus.
    Reader,
    /// The key-facts sidebar has focus.
    Facts,
    /// The library list is shown.
    Library,
    /// A search or filter line is being typed.
    Search,
    /// A note is being written: only these keys act, everything else types.
    Editor,
    /// The export dialog is open: only these keys act, everything else
    /// edits the file name.
    Export,
}

impl Context {
    /// Every context, in the order the keymap file and the help list them.
    pub const ALL: [Context; 8] = [
        Context::Global,
        Context::Outline,
        Context::Reader,
        Context::Facts,
        Context::Library,
        Context::Search,
        Context::Editor,
        Context::Export,
    ];

    /// The table name in keymap.toml.
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Outline => "outline",
            Context::Reader => "reader",
            Context::Facts => "facts",
            Context::Library => "library",
            Context::Search => "search",
            Context::Editor => "editor",
            Context::Export => "export",
        }
    }

    /// The context named `name` in keymap.toml.
    pub fn from_name(name: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == name)
    }

    /// A heading for the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Outline => "Outline pane",
            Context::Reader => "Reading pane",
            Context::Facts => "Key facts pane",
            Context::Library => "Library",
            Context::Search => "Search and filter line",
            Context::Editor => "Note editor",
            Context::Export => "Export dialog",
        }
    }
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

macro_rules! actions {
    ($( $(#[doc = $doc:literal])* $variant:ident = $name:literal, [$($context:ident),+]; )+) => {
        /// Something brief can be asked to do.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action {
            $( $(#[doc = $doc])* $variant, )+
        }

        impl Action {
            /// Every action, in help order.
            pub const ALL: &'static [Action] = &[ $( Action::$variant, )+ ];

            /// The name used in keymap.toml.
            pub fn name(self) -> &'static str {
                match self { $( Action::$variant => $name, )+ }
            }

            /// One line of help text.
            pub fn description(self) -> &'static str {
                match self { $( Action::$variant => concat!($($doc),+).trim_ascii(), )+ }
            }

            /// The contexts this action may be bound in.
            pub fn contexts(self) -> &'static [Context] {
                match self { $( Action::$variant => &[$(Context::$context),+], )+ }
            }
        }
    };
}

actions! {
    /// Quit brief
    Quit = "quit", [Global];
    /// Show or hide the list of keys
    Help = "help", [Global];
    /// Close the overlay, search or filter
    Close = "close", [Global, Search];
    /// Move focus to the next pane
    FocusNext = "focus_next", [Global];
    /// Move focus to the previous pane
    FocusPrev = "focus_prev", [Global];
    /// Go to the next section
    NextSection = "next_section", [Global];
    /// Go to the previous section
    PrevSection = "prev_section", [Global];
    /// Go to section 1
    Section1 = "section_1", [Global];
    /// Go to section 2
    Section2 = "section_2", [Global];
    /// Go to section 3
    Section3 = "section_3", [Global];
    /// Go to section 4
    Section4 = "section_4", [Global];
    /// Go to section 5
    Section5 = "section_5", [Global];
    /// Go to section 6
    Section6 = "section_6", [Global];
    /// Go to section 7
    Section7 = "section_7", [Global];
    /// Go to section 8
    Section8 = "section_8", [Global];
    /// Go to section 9
    Section9 = "section_9", [Global];
    /// Go to the top
    Top = "top", [Global];
    /// Go to the end
    Bottom = "bottom", [Global];
    /// Scroll down a page
    PageDown = "page_down", [Global];
    /// Scroll up a page
    PageUp = "page_up", [Global];
    /// Scroll down half a page
    HalfPageDown = "half_page_down", [Global];
    /// Scroll up half a page
    HalfPageUp = "half_page_up", [Global];
    /// Scroll down a line
    ScrollDown = "scroll_down", [Reader, Facts];
    /// Scroll up a line
    ScrollUp = "scroll_up", [Reader, Facts];
    /// Move the selection down
    SelectNext = "select_next", [Outline, Library, Search];
    /// Move the selection up
    SelectPrev = "select_prev", [Outline, Library, Search];
    /// Open the selected entry
    Open = "open", [Outline, Library];
    /// Accept the search or filter and return to the list or text
    Confirm = "confirm", [Search];
    /// Show or hide the key-facts sidebar
    ToggleFacts = "toggle_facts", [Global];
    /// Show or hide the outline
    ToggleOutline = "toggle_outline", [Global];
    /// Show the reading pane alone, or bring the panes back
    ReadingOnly = "reading_only", [Global];
    /// Search the briefing (filter the library)
    Search = "search", [Global];
    /// Go to the next match
    NextMatch = "next_match", [Global];
    /// Go to the previous match
    PrevMatch = "prev_match", [Global];
    /// Return to the library of briefings
    Library = "library", [Global];
    /// Mark the section being read as unread again
    MarkUnread = "mark_unread", [Global];
    /// Write or edit your note on the section being read
    Note = "note", [Global];
    /// Go to the next section changed since you read it
    NextChanged = "next_changed", [Global];
    /// Show what changed in this section since you read it
    ShowChanges = "show_changes", [Global];
    /// Write the one-page brief to a file
    ExportBrief = "export_brief", [Global];
    /// Copy the section being read, or a key fact
    Copy = "copy", [Global];
    /// Copy the one-page brief to your clipboard
    CopyBrief = "copy_brief", [Global];
    /// Redraw the whole screen
    Redraw = "redraw", [Global];
    /// Suspend brief (return with fg)
    Suspend = "suspend", [Global];
    /// Write the one-page brief to the file named in the export dialog
    WriteExport = "write_export", [Export];
    /// Switch the export between text and Markdown
    SwitchExportFormat = "switch_export_format", [Export];
    /// Close the export dialog without writing
    CancelExport = "cancel_export", [Export];
    /// Save the note and close the editor
    SaveNote = "save_note", [Editor];
    /// Close the editor without saving (asks first if text changed)
    CancelNote = "cancel_note", [Editor];
}

impl Action {
    /// The action named `name` in keymap.toml.
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == name)
    }

    /// The section a `section_N` action jumps to (0-based), if it is one.
    pub fn section_number(self) -> Option<usize> {
        const SECTIONS: [Action; 9] = [
            Action::Section1,
            Action::Section2,
            Action::Section3,
            Action::Section4,
            Action::Section5,
            Action::Section6,
            Action::Section7,
            Action::Section8,
            Action::Section9,
        ];
        SECTIONS.iter().position(|a| *a == self)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for action in Action::ALL {
            assert_eq!(Action::from_name(action.name()), Some(*action));
            assert!(!action.description().is_empty());
        }
        for context in Context::ALL {
            assert_eq!(Context::from_name(context.name()), Some(context));
        }
    }

    #[test]
    fn section_actions_know_their_number() {
        assert_eq!(Action::Section1.section_number(), Some(0));
        assert_eq!(Action::Section9.section_number(), Some(8));
        assert_eq!(Action::Quit.section_number(), None);
    }
}
