package interchange_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"reflect"
	"strings"
	"testing"
	"time"
	"traguardo/internal/domain"

	"traguardo/internal/demo"
	"traguardo/internal/interchange"
)

// encodedDemo reads the demo document and encodes it.
func encodedDemo(t *testing.T) []byte {
	t.Helper()
	return encode(t, mustRead(t, demo.Cycle2023()))
}

func TestEncode_RoundTrip(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		first := encodedDemo(t)
		second := encode(t, mustRead(t, first))
		if !bytes.Equal(first, second) {
			t.Fatalf("Encode(Read(Encode(demo))) differs from Encode(demo) at byte %d", firstDiff(first, second))
		}
		third := encode(t, mustRead(t, second))
		if !bytes.Equal(second, third) {
			t.Fatalf("third round differs at byte %d", firstDiff(second, third))
		}
	})
	t.Run("OKSameCycleSameBytes", func(t *testing.T) {
		c := mustRead(t, demo.Cycle2023())
		if a, b := encode(t, c), encode(t, c); !bytes.Equal(a, b) {
			t.Fatalf("two encodings of one cycle differ at byte %d", firstDiff(a, b))
		}
	})
	t.Run("OKFormatting", func(t *testing.T) {
		out := encodedDemo(t)
		if !bytes.HasPrefix(out, []byte("{\n  \"format\": \"traguardo/v1\",\n  \"organisation\": {\n    \"name\": \"Consorzio IN.RE.TE.\"\n  },\n  \"year\": 2023,\n")) {
			t.Errorf("output does not start as an indented v1 document:\n%s", out[:200])
		}
		if !bytes.HasSuffix(out, []byte("\n  ],\n  \"achievement\": 83.8\n}\n")) {
			t.Errorf("output ends with %q", out[len(out)-60:])
		}
		// No HTML escaping of rich text.
		if bytes.Contains(out, []byte(`\u003c`)) || !bytes.Contains(out, []byte(`"description_html": "<p>Con deliberazione`)) {
			t.Error("rich text is HTML-escaped in the output")
		}
	})
	// Everything the demo says survives a read and a write: the output minus
	// its output-only fields is the input (rich text compared as text, since
	// sanitising may write ' as &#39;).
	t.Run("OKKeepsInput", func(t *testing.T) {
		in := demoDoc(t)
		out := parseDoc(t, encodedDemo(t))
		stripOutputOnly(t, out)
		unescapeHTML(in)
		unescapeHTML(out)
		if !reflect.DeepEqual(in, out) {
			for _, c := range []string{"format", "organisation", "year", "periods", "centres"} {
				if !reflect.DeepEqual(in[c], out[c]) {
					t.Errorf("member %q differs after a round trip", c)
				}
			}
			t.Errorf("round trip changed the document: input members %v, output members %v", keys(in), keys(out))
		}
	})
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// stripOutputOnly deletes from an encoded document every field the format
// writes on output only, checking that each one is there.
func stripOutputOnly(t *testing.T, doc map[string]any) {
	t.Helper()
	del(t, doc, "achievement")
	del(t, doc, "figures")
	for ci, c := range doc["centres"].([]any) {
		cp := fmt.Sprintf("centres[%d]", ci)
		del(t, doc, cp+".achievement")
		for oi, o := range c.(map[string]any)["objectives"].([]any) {
			op := fmt.Sprintf("%s.objectives[%d]", cp, oi)
			del(t, doc, op+".achievement")
			del(t, doc, op+".band")
			for ai := range o.(map[string]any)["activities"].([]any) {
				ap := fmt.Sprintf("%s.activities[%d]", op, ai)
				del(t, doc, ap+".planned.label")
				del(t, doc, ap+".actual") // every demo activity has progress
			}
			for ii := range o.(map[string]any)["indicators"].([]any) {
				ip := fmt.Sprintf("%s.indicators[%d]", op, ii)
				del(t, doc, ip+".actual")
				del(t, doc, ip+".achievement")
			}
		}
	}
}

// unescapeHTML replaces every *_html string of doc by its text with character
// references resolved.
func unescapeHTML(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, m := range v {
			if s, ok := m.(string); ok && strings.HasSuffix(k, "_html") {
				v[k] = html.UnescapeString(s)
			} else {
				unescapeHTML(m)
			}
		}
	case []any:
		for _, e := range v {
			unescapeHTML(e)
		}
	}
}

// TestEncode_OutputOnly checks the computed fields of the demo's output and
// that a document's own values for them are ignored on input.
func TestEncode_OutputOnly(t *testing.T) {
	out := encodedDemo(t)
	doc := parseDoc(t, out)
	t.Run("OK", func(t *testing.T) {
		tests := []struct {
			path string
			want any
		}{
			{"achievement", json.Number("83.8")},
			{"centres[0].achievement", json.Number("66.7")},
			{"centres[1].achievement", json.Number("79.2")},
			{"centres[5].achievement", json.Number("80.4")},
			{obj0 + ".achievement", json.Number("100")},
			{obj0 + ".band", "raggiunto"},
			{obj1 + ".achievement", json.Number("33.3")},
			{obj1 + ".band", "non raggiunto"},
			{"centres[1].objectives[0].band", "parzialmente raggiunto"},
			{ind0 + ".actual", json.Number("8")},
			{ind0 + ".achievement", json.Number("100")},
			{"centres[1].objectives[1].indicators[3].achievement", json.Number("66.7")},
			{yesNo + ".actual", false},
			{yesNo + ".achievement", json.Number("0")},
			{act0 + ".planned", map[string]any{"from": "2023-05", "to": "2023-05", "label": "Maggio"}},
			{act0 + ".actual", map[string]any{"from": "2023-09", "to": "2023-09", "label": "Settembre"}},
			// A progress span is input, written without a label.
			{act0 + ".progress[0].actual", map[string]any{"from": "2023-09", "to": "2023-09"}},
			{"centres[2].objectives[0].activities[5].planned", map[string]any{"annual": true, "label": "Annuale"}},
			{"centres[2].objectives[0].activities[5].actual", map[string]any{"annual": true, "label": "Annuale"}},
			{"centres[2].objectives[0].activities[5].progress[0].actual", map[string]any{"annual": true}},
			{"centres[1].objectives[1].activities[6].planned", map[string]any{"from": "2023-07", "to": nil, "label": "Da Luglio 2023"}},
			{"centres[1].objectives[1].activities[6].actual", map[string]any{"from": "2024-01", "to": "2024-01", "label": "Gennaio 2024"}},
			{obj1 + ".activities[2].actual", map[string]any{"from": nil, "to": nil, "label": "/"}},
		}
		for _, tc := range tests {
			if got := get(t, doc, tc.path); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s = %#v, want %#v", tc.path, got, tc.want)
			}
		}
	})
	t.Run("OKIgnoredOnInput", func(t *testing.T) {
		d := parseDoc(t, out)
		set(t, d, "achievement", 0)
		set(t, d, "centres[0].achievement", nil)
		set(t, d, obj0+".achievement", 12.5)
		set(t, d, obj0+".band", "bocciato")
		set(t, d, obj1+".band", nil)
		set(t, d, ind0+".actual", 999)
		set(t, d, ind0+".achievement", -4)
		set(t, d, yesNo+".actual", true)
		set(t, d, act0+".planned.label", "Sempre")
		// An activity's actual is never judged, even when it would be invalid.
		set(t, d, act0+".actual", map[string]any{"annual": true, "from": "2023-13", "label": ""})
		set(t, d, "centres[2].objectives[0].activities[5].planned.label", "Mai")
		set(t, d, act0+".progress[0].actual.label", "Settembre")
		again := encode(t, mustRead(t, toJSON(t, d)))
		if !bytes.Equal(out, again) {
			t.Fatalf("output-only values changed the result, first difference at byte %d", firstDiff(out, again))
		}
	})
	t.Run("OKAbsentOnInput", func(t *testing.T) {
		// The demo itself has none of them; reading the output without them
		// gives the same output.
		d := parseDoc(t, out)
		stripOutputOnly(t, d)
		if again := encode(t, mustRead(t, toJSON(t, d))); !bytes.Equal(out, again) {
			t.Fatalf("first difference at byte %d", firstDiff(out, again))
		}
	})
	t.Run("OKNeutralised", func(t *testing.T) {
		d := demoDoc(t)
		set(t, d, "centres[0].objectives[1].indicators[1].neutralised", map[string]any{"reason": " evento esterno ", "by": "nucleo"})
		got := parseDoc(t, encode(t, mustRead(t, toJSON(t, d))))
		ind := obj1 + ".indicators[1]"
		if n := get(t, got, ind+".neutralised"); !reflect.DeepEqual(n, map[string]any{"reason": "evento esterno", "by": "nucleo"}) {
			t.Errorf("neutralised = %#v", n)
		}
		if a := get(t, got, ind+".achievement"); a != nil {
			t.Errorf("achievement of a neutralised indicator = %#v, want null", a)
		}
		// Left out of the mean: (100 + 0) / 2 instead of (100 + 0 + 0) / 3.
		if a := get(t, got, obj1+".achievement"); a != json.Number("50") {
			t.Errorf("objective achievement = %#v, want 50", a)
		}
		if b := get(t, got, obj1+".band"); b != "parzialmente raggiunto" {
			t.Errorf("objective band = %#v", b)
		}
	})
}

// TestRead_YesNo checks that the booleans of a si/no indicator are read as 1
// and 0 and written back as the same booleans.
func TestRead_YesNo(t *testing.T) {
	tests := []struct {
		name               string
		expected, value    bool
		wantExp, wantValue float64
		wantAchievement    string
		wantObjective      string
	}{
		{"OKDemoTrueFalse", true, false, 1, 0, "0", "33.3"},
		{"OKTrueTrue", true, true, 1, 1, "100", "66.7"},
		{"OKFalseFalse", false, false, 0, 0, "100", "66.7"},
		{"OKFalseTrue", false, true, 0, 1, "0", "33.3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := demoDoc(t)
			set(t, d, yesNo+".expected", tc.expected)
			set(t, d, yesNo+".values[0].value", tc.value)
			c, err := readDoc(t, d)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			in := c.Centres[0].Objectives[1].Indicators[2]
			if in.Name != "Formazione" || in.Expected != tc.wantExp || len(in.Values) != 1 || in.Values[0].Value != tc.wantValue {
				t.Fatalf("indicator %q: expected %v, values %+v", in.Name, in.Expected, in.Values)
			}
			out := encode(t, c)
			got := parseDoc(t, out)
			for path, want := range map[string]any{
				yesNo + ".expected":        tc.expected,
				yesNo + ".values[0].value": tc.value,
				yesNo + ".actual":          tc.value,
				yesNo + ".achievement":     json.Number(tc.wantAchievement),
				obj1 + ".achievement":      json.Number(tc.wantObjective),
			} {
				if v := get(t, got, path); v != want {
					t.Errorf("%s = %#v, want %#v", path, v, want)
				}
			}
			// And once more through the format.
			if again := encode(t, mustRead(t, out)); !bytes.Equal(out, again) {
				t.Errorf("second round differs at byte %d", firstDiff(out, again))
			}
		})
	}
}

// TestRead_RichText checks that rich text is sanitised on read, in an
// objective's description and in a report's text alike.
func TestRead_RichText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"OKKept", `<p>Uno <strong>due</strong> <em>tre</em></p><ul><li>a</li><li>b</li></ul>`,
			`<p>Uno <strong>due</strong> <em>tre</em></p><ul><li>a</li><li>b</li></ul>`},
		{"OKKeptOthers", `<p>x<br>y <b>b</b> <i>i</i> <u>u</u></p><ol><li>1</li></ol>`,
			`<p>x<br>y <b>b</b> <i>i</i> <u>u</u></p><ol><li>1</li></ol>`},
		{"OKAccents", `<p>attività è così – “citazione”</p>`, `<p>attività è così – “citazione”</p>`},
		// Quotes come back as character references: the same text in HTML.
		{"OKQuotes", `<p>dell'Ente "F.I.L.O." &amp; altri</p>`, `<p>dell'Ente "F.I.L.O." &amp; altri</p>`},
		{"ErrQuotedTagText", `<p>&lt;script&gt;x&lt;/script&gt; "a"</p>`, `<p>&lt;script&gt;x&lt;/script&gt; "a"</p>`},
		{"OKTrimmed", "\n  <p>testo</p>\n", `<p>testo</p>`},
		{"ErrScript", `<p>Testo</p><script>alert("x")</script>`, `<p>Testo</p>`},
		{"ErrScriptInside", `<p>prima<script>document.cookie</script> dopo</p>`, `<p>prima dopo</p>`},
		{"ErrOnclick", `<p onclick="alert(1)">Testo <strong onmouseover="x()">forte</strong></p>`, `<p>Testo <strong>forte</strong></p>`},
		{"ErrStyle", `<p style="color:red" class="x">Testo</p>`, `<p>Testo</p>`},
		{"ErrLink", `<p><a href="javascript:alert(1)">qui</a></p>`, `<p>qui</p>`},
		{"ErrImage", `<img src="x" onerror="alert(1)"><p>ok</p>`, `<p>ok</p>`},
		{"ErrIframe", `<iframe src="https://example.org"></iframe><p>ok</p>`, `<p>ok</p>`},
		{"ErrStyleElement", `<style>p{display:none}</style><p>ok</p>`, `<p>ok</p>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := demoDoc(t)
			set(t, d, obj0+".description_html", tc.in)
			set(t, d, report0+".text_html", tc.in)
			c, err := readDoc(t, d)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			o := c.Centres[0].Objectives[0]
			if o.DescriptionHTML != tc.want {
				t.Errorf("description = %q, want %q", o.DescriptionHTML, tc.want)
			}
			if o.Reports[0].TextHTML != tc.want {
				t.Errorf("report text = %q, want %q", o.Reports[0].TextHTML, tc.want)
			}
			got := parseDoc(t, encode(t, c))
			if s := get(t, got, obj0+".description_html"); s != tc.want {
				t.Errorf("written description = %q, want %q", s, tc.want)
			}
			if s := get(t, got, report0+".text_html"); s != tc.want {
				t.Errorf("written report text = %q, want %q", s, tc.want)
			}
		})
	}
}

// TestFromCycle_Demo checks FromCycle on the evaluated demo without the
// encoder in between.
func TestFromCycle_Demo(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		c := mustRead(t, demo.Cycle2023())
		c.Evaluate(domain.Today(time.Now()))
		doc := interchange.FromCycle(c)
		if doc.Format != interchange.Format || doc.Year != 2023 || len(doc.Periods) != 4 || len(doc.Centres) != 6 {
			t.Fatalf("document = %q %d %v %d centres", doc.Format, doc.Year, doc.Periods, len(doc.Centres))
		}
		if doc.Achievement == nil || *doc.Achievement != 83.8 {
			t.Errorf("achievement = %v, want 83.8", doc.Achievement)
		}
		in := doc.Centres[0].Objectives[1].Indicators[2]
		if *in.Expected != (interchange.Value{Bool: true, IsBool: true}) || *in.Actual != (interchange.Value{IsBool: true}) {
			t.Errorf("si/no expected %+v actual %+v", *in.Expected, *in.Actual)
		}
		if g := doc.Centres[4].Objectives[4].Group; g == nil || *g != "reddito-di-cittadinanza" {
			t.Errorf("group = %v", g)
		}
		if g := doc.Centres[0].Objectives[0].Group; g != nil {
			t.Errorf("group = %q, want nil", *g)
		}
	})
}
