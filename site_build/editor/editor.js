// The exercise editor: CodeMirror 6 (pinned in package.json), bundled by build.mjs into
// docs/assets/editor/editor.js, which python-in-page.js imports. Python highlighting in the
// theme's own code colours (light and dark), line numbers, auto-indent, Tab and Shift+Tab
// to indent and dedent; Esc then Tab moves on from the editor (CodeMirror's own rule), so it
// never traps a keyboard user.
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { pythonLanguage } from "@codemirror/lang-python";
import {
  bracketMatching,
  HighlightStyle,
  indentOnInput,
  indentUnit,
  syntaxHighlighting,
} from "@codemirror/language";
import { Compartment, EditorState } from "@codemirror/state";
import {
  drawSelection,
  EditorView,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { tags } from "@lezer/highlight";

// Material's variables for highlighted code: the colours the rest of the site's code has,
// which the theme (and site.css) keep readable in both schemes.
const colour = (name) => `var(--md-code-hl-${name}-color)`;
const theme = HighlightStyle.define([
  { tag: [tags.keyword, tags.controlKeyword, tags.definitionKeyword, tags.moduleKeyword], color: colour("keyword") },
  { tag: [tags.string, tags.special(tags.string)], color: colour("string") },
  { tag: [tags.comment, tags.lineComment], color: colour("comment"), fontStyle: "italic" },
  { tag: [tags.number, tags.bool, tags.null], color: colour("number") },
  { tag: [tags.function(tags.variableName), tags.function(tags.definition(tags.variableName))], color: colour("function") },
  { tag: [tags.className, tags.definition(tags.className)], color: colour("constant") },
  { tag: [tags.operator], color: colour("operator") },
  { tag: [tags.punctuation, tags.bracket], color: colour("punctuation") },
]);

const look = EditorView.theme({
  "&": {
    height: "32em",
    fontSize: "0.7rem",
    color: "var(--md-code-fg-color)",
    backgroundColor: "var(--md-code-bg-color)",
    border: "1px solid var(--md-default-fg-color--lightest)",
  },
  ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", lineHeight: "1.4" },
  // Line numbers in the code's own colour: the theme's lighter grey is too faint on it.
  ".cm-gutters": {
    color: "var(--md-code-fg-color)",
    backgroundColor: "var(--md-code-bg-color)",
    borderRight: "1px solid var(--md-default-fg-color--lightest)",
  },
  "&.cm-focused .cm-cursor": { borderLeftColor: "var(--md-code-fg-color)" },
});

// On a phone, long lines wrap rather than hide past the editor's right edge.
const narrow = matchMedia("(max-width: 44.984375em)");

export function makeEditor(parent, { doc, label, className, onChange }) {
  const wrapping = new Compartment();
  const wrap = () => (narrow.matches ? EditorView.lineWrapping : []);
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        drawSelection(),
        history(),
        indentOnInput(),
        bracketMatching(),
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        indentUnit.of("    "),
        pythonLanguage,
        syntaxHighlighting(theme),
        look,
        wrapping.of(wrap()),
        // tabindex: it is in the tab order anyway (contenteditable), said so for checkers
        // such as axe-core, which ask that a scrolling region hold something focusable.
        EditorView.contentAttributes.of({ "aria-label": label, tabindex: "0" }),
        // Given as an attribute: CodeMirror owns the class list of its element.
        EditorView.editorAttributes.of({ class: className }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
  narrow.addEventListener("change", () => view.dispatch({ effects: wrapping.reconfigure(wrap()) }));
  return {
    element: view.dom,
    focus: () => view.focus(),
    get value() {
      return view.state.doc.toString();
    },
    set value(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
  };
}
