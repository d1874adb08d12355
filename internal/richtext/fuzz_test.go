package richtext

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// allowed are the elements the policy keeps (NewPolicy).
var allowed = map[string]bool{"p": true, "br": true, "strong": true, "b": true, "em": true, "i": true, "u": true, "ul": true, "ol": true, "li": true}

// FuzzSanitize: sanitising is idempotent, and what it returns, read by an
// HTML parser as a browser would, holds only the allowed elements, none
// with an attribute (so no event handler, no style, no javascript: URL),
// and no script, style or other raw-text element.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{
		`<p>Un <strong>obiettivo</strong> <em>annuale</em></p><ul><li>uno</li></ul>`,
		`<p>dell'Ente "F.I.L.O."</p>`,
		`<p class="x" onclick="a()">t</p>`,
		`<script>alert(1)</script>`,
		`<img src=x onerror=alert(1)>`,
		`"><svg onload=alert(1)>`,
		`<a href="javascript:alert(1)">x</a>`,
		`<a href="&#106;avascript:alert(1)">x</a>`,
		`<p>&lt;b onclick=&#34;x&#34;&gt;</p>`,
		`<iframe srcdoc="<script>alert(1)</script>"></iframe>`,
		`<style>p{background:url(javascript:alert(1))}</style>`,
		`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
		`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
		`<!--<img src=x onerror=alert(1)>-->`,
		`<p>a</p>` + "\u202e" + `<p>b</p>` + "\x00",
		"'; DROP TABLE objectives;--",
	} {
		f.Add(s)
	}
	p := NewPolicy()
	f.Fuzz(func(t *testing.T, in string) {
		out := p.Sanitize(in)
		if again := p.Sanitize(out); again != out {
			t.Fatalf("Sanitize is not idempotent:\n in:    %q\n once:  %q\n twice: %q", in, out, again)
		}
		z := html.NewTokenizer(strings.NewReader(out))
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				break
			}
			tok := z.Token()
			switch tt {
			case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
				if !allowed[tok.Data] {
					t.Fatalf("Sanitize(%q) = %q keeps <%s>", in, out, tok.Data)
				}
				if len(tok.Attr) > 0 {
					t.Fatalf("Sanitize(%q) = %q keeps attributes %v on <%s>", in, out, tok.Attr, tok.Data)
				}
			case html.CommentToken, html.DoctypeToken:
				t.Fatalf("Sanitize(%q) = %q keeps %v", in, out, tok)
			}
		}
	})
}
