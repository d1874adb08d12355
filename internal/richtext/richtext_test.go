package richtext

import "testing"

func TestSanitize(t *testing.T) {
	p := NewPolicy()
	cases := []struct{ name, in, want string }{
		{"OK", `<p>Un <strong>obiettivo</strong> <em>annuale</em></p><ul><li>uno</li></ul>`, `<p>Un <strong>obiettivo</strong> <em>annuale</em></p><ul><li>uno</li></ul>`},
		{"OKQuotes", `<p>dell'Ente "F.I.L.O."</p>`, `<p>dell'Ente "F.I.L.O."</p>`},
		{"ErrAttributes", `<p class="x" onclick="a()" title='t"'>testo</p>`, `<p>testo</p>`},
		{"ErrScript", `<p>a</p><script>alert('x')</script>`, `<p>a</p>`},
		{"ErrEscapedMarkupStaysText", `<p>&lt;b onclick=&#34;x&#34;&gt;</p>`, `<p>&lt;b onclick="x"&gt;</p>`},
	}
	for _, tc := range cases {
		if got := p.Sanitize(tc.in); got != tc.want {
			t.Errorf("%s: Sanitize = %q, want %q", tc.name, got, tc.want)
		}
	}
}
