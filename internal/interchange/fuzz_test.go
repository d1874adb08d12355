package interchange_test

import (
	"bytes"
	"errors"
	"testing"

	"traguardo/internal/demo"
	"traguardo/internal/fielderr"
	"traguardo/internal/interchange"
)

// minimalDoc is a small valid document, so the fuzzer also mutates
// something it can run through quickly.
const minimalDoc = `{"format":"traguardo/v1","organisation":{"name":"Ente"},"year":2024,
"periods":["2024-06-30","2024-12-31"],
"centres":[{"name":"AREA","manager":"Anna","objectives":[{"section":"S","number":1,"title":"T",
"description_html":"<p>a <strong>b</strong></p>",
"activities":[{"description":"A","planned":{"from":"2024-01","to":"2024-03"}},{"description":"B","planned":{"annual":true}}],
"indicators":[{"name":"I","unit":"si/no","polarity":"higher","expected":true,"values":[{"period":"2024-06-30","value":false,"reason":"r"}]},
{"name":"J","unit":"%","polarity":"lower","expected":12.5,"targets":[{"period":"2024-06-30","target":20}]}],
"reports":[{"period":"2024-06-30","status":"a rischio","text_html":"<p>x</p>"}]}]}]}`

// FuzzRead feeds any bytes to the importer. A document it accepts is a
// fixed point of writing and reading again: Encode(Read(Encode(c))) is
// Encode(c), byte for byte; a document it refuses is refused with Italian
// messages (an Errors), never another error, never a panic.
func FuzzRead(f *testing.F) {
	f.Add(demo.Cycle2023())
	f.Add([]byte(minimalDoc))
	f.Add([]byte(`{"format":"traguardo/v1"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := interchange.Read(bytes.NewReader(b), policy)
		if err != nil {
			var errs fielderr.List
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("Read refused the document with %T %v, want a non-empty fielderr.List", err, err)
			}
			for _, e := range errs {
				if e.Message == "" {
					t.Fatalf("an error without a message: %+v", errs)
				}
			}
			return
		}
		first := encode(t, c)
		again, err := interchange.Read(bytes.NewReader(first), policy)
		if err != nil {
			t.Fatalf("Read(Encode(c)) refused what Read accepted: %v\ninput: %q\nencoded: %s", err, b, first)
		}
		if second := encode(t, again); !bytes.Equal(first, second) {
			t.Fatalf("Encode(Read(Encode(c))) differs from Encode(c) at byte %d\nfirst:  %s\nsecond: %s", firstDiff(first, second), first, second)
		}
	})
}

// FuzzSpan reads any JSON as a span: what reads is written back to the same
// span.
func FuzzSpan(f *testing.F) {
	for _, s := range []string{`{"from":"2023-05","to":"2023-05"}`, `{"annual":true}`, `{"from":"2023-12","to":"2024-04","label":"Dicembre/Aprile 2024"}`, `{"from":"2023-07"}`, `{}`, `{"from":null,"to":null}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var s interchange.Span
		if err := s.UnmarshalJSON(b); err != nil {
			return
		}
		out, err := s.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON(%+v): %v", s, err)
		}
		var back interchange.Span
		if err := back.UnmarshalJSON(out); err != nil {
			t.Fatalf("UnmarshalJSON(%s): %v", out, err)
		}
		if s.Annual {
			// An annual span writes no months: they mean nothing.
			s.From, s.To = nil, nil
		}
		if !sameSpan(s, back) {
			t.Fatalf("span %s read back as %+v, was %+v", out, back, s)
		}
	})
}

func sameSpan(a, b interchange.Span) bool {
	eq := func(x, y *string) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.Annual == b.Annual && a.Label == b.Label && eq(a.From, b.From) && eq(a.To, b.To)
}
