// Package richtext sanitises the rich text of descriptions and reports: the
// only formatting kept is paragraphs, line breaks, bold, italics and lists.
package richtext

import (
	"strings"

	"github.com/microcosm-cc/bluemonday"
)

// Policy decides which HTML survives; build it once and share it, it is safe
// for concurrent use.
type Policy struct{ p *bluemonday.Policy }

// NewPolicy returns the policy for descriptions and reports.
func NewPolicy() *Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li")
	return &Policy{p: p}
}

// quotes undoes bluemonday's escaping of quotes: no element keeps an
// attribute, so quotes only ever appear in text, where they are harmless, and
// the document's wording ("dell'Ente") stays as written in exports.
var quotes = strings.NewReplacer("&#39;", "'", "&#34;", `"`)

// Sanitize returns html with everything outside the policy removed.
func (p *Policy) Sanitize(html string) string {
	return strings.TrimSpace(quotes.Replace(p.p.Sanitize(html)))
}
