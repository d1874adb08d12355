package spreadsheet

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A cell holds plain text, so a rich-text description travels simplified:
// each paragraph is a line, each list item a line starting with "- ".
// Bold, italics and the nesting of lists are lost.

// bullet starts a line that is a list item.
const bullet = "- "

// HTMLToText turns rich text into the lines of a cell: paragraphs and line
// breaks end a line, list items become lines starting with "- ", and runs of
// white space become one space.
func HTMLToText(s string) string {
	var (
		lines  []string
		prefix string
		buf    strings.Builder
	)
	flush := func() {
		if t := strings.Join(strings.Fields(buf.String()), " "); t != "" {
			lines = append(lines, prefix+t)
		}
		prefix = ""
		buf.Reset()
	}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			flush()
			return strings.Join(lines, "\n")
		case html.TextToken:
			buf.Write(z.Text())
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch atom.Lookup(name) {
			case atom.Li:
				flush()
				if tt == html.StartTagToken {
					prefix = bullet
				}
			case atom.P, atom.Br, atom.Div, atom.Ul, atom.Ol,
				atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Blockquote:
				// A break inside a list item ends the item.
				flush()
			}
		}
	}
}

// TextToHTML turns the lines of a cell back into rich text: a line starting
// with "- " is a list item (consecutive items make one list), any other line
// a paragraph; empty lines are dropped. Text is escaped, so the result holds
// only p, ul and li elements; callers still sanitise it like any rich text.
func TextToHTML(s string) string {
	var b strings.Builder
	inList := false
	for line := range strings.Lines(strings.ReplaceAll(s, "\r\n", "\n")) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		item, isItem := strings.CutPrefix(line, strings.TrimSpace(bullet)+" ")
		switch {
		case isItem && !inList:
			b.WriteString("<ul>")
			inList = true
		case !isItem && inList:
			b.WriteString("</ul>")
			inList = false
		}
		if isItem {
			b.WriteString("<li>" + escape.Replace(strings.TrimSpace(item)) + "</li>")
		} else {
			b.WriteString("<p>" + escape.Replace(line) + "</p>")
		}
	}
	if inList {
		b.WriteString("</ul>")
	}
	return b.String()
}

// escape makes text safe inside an element. Quotes are left alone: they are
// harmless in text, and the sanitiser keeps them unescaped too.
var escape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
