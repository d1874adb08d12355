package interchange_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"traguardo/internal/domain"

	"traguardo/internal/demo"
	"traguardo/internal/fielderr"
	"traguardo/internal/interchange"
	"traguardo/internal/plan"
	"traguardo/internal/richtext"
)

// demoPath is the demo document on disk (the demo package embeds the same file).
const demoPath = "../demo/consorzio-inrete-2023.json"

// Paths into the demo document used by several tests.
const (
	obj0     = "centres[0].objectives[0]" // "Obiettivi di performance" 1 of AREA DIREZIONE
	obj1     = "centres[0].objectives[1]" // "Obiettivi di performance" 2 of AREA DIREZIONE
	ind0     = obj0 + ".indicators[0]"    // "Incontri", n., expected 6, 8 at 2023-12-31
	yesNo    = obj1 + ".indicators[2]"    // "Formazione", si/no, expected true, false at 2023-12-31
	act0     = obj0 + ".activities[0]"    // planned 2023-05/2023-05, actual 2023-09/2023-09
	report0  = obj0 + ".reports[0]"       // 2023-12-31, status null
	lastDay  = "2023-12-31"
	unitList = "n., n, %, si/no, €, gg"
)

var policy = richtext.NewPolicy()

// demoDoc returns the demo document as a generic value; numbers stay
// json.Number so that re-marshalling writes them exactly as they were.
func demoDoc(t *testing.T) map[string]any {
	t.Helper()
	return parseDoc(t, demo.Cycle2023())
}

func parseDoc(t *testing.T, b []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("parsing document: %v", err)
	}
	return doc
}

func toJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshalling document: %v", err)
	}
	return b
}

// segments splits "centres[0].objectives[1].title" into
// "centres", 0, "objectives", 1, "title".
func segments(t *testing.T, path string) []any {
	t.Helper()
	var segs []any
	for part := range strings.SplitSeq(path, ".") {
		name, rest, _ := strings.Cut(part, "[")
		if name != "" {
			segs = append(segs, name)
		}
		for rest != "" {
			idx, after, ok := strings.Cut(rest, "]")
			n, err := strconv.Atoi(idx)
			if !ok || err != nil {
				t.Fatalf("bad path %q", path)
			}
			segs = append(segs, n)
			rest = strings.TrimPrefix(after, "[")
		}
	}
	return segs
}

func step(t *testing.T, cur any, seg any, path string) any {
	t.Helper()
	switch s := seg.(type) {
	case string:
		obj, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("%s: %v is not inside an object", path, s)
		}
		v, ok := obj[s]
		if !ok {
			t.Fatalf("%s: no member %q", path, s)
		}
		return v
	default:
		arr, ok := cur.([]any)
		if !ok || s.(int) >= len(arr) {
			t.Fatalf("%s: no element %v", path, s)
		}
		return arr[s.(int)]
	}
}

// get returns the value at path in doc.
func get(t *testing.T, doc any, path string) any {
	t.Helper()
	cur := doc
	for _, seg := range segments(t, path) {
		cur = step(t, cur, seg, path)
	}
	return cur
}

// set replaces (or adds, for an object member) the value at path.
func set(t *testing.T, doc any, path string, v any) {
	t.Helper()
	segs := segments(t, path)
	cur := doc
	for _, seg := range segs[:len(segs)-1] {
		cur = step(t, cur, seg, path)
	}
	switch last := segs[len(segs)-1].(type) {
	case string:
		obj, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("%s: parent is not an object", path)
		}
		obj[last] = v
	case int:
		arr, ok := cur.([]any)
		if !ok || last >= len(arr) {
			t.Fatalf("%s: no element %d", path, last)
		}
		arr[last] = v
	}
}

// del removes the object member at path, which must exist.
func del(t *testing.T, doc any, path string) {
	t.Helper()
	segs := segments(t, path)
	parent := doc
	if i := strings.LastIndex(path, "."); i >= 0 {
		parent = get(t, doc, path[:i])
	}
	obj, ok := parent.(map[string]any)
	key, isKey := segs[len(segs)-1].(string)
	if !ok || !isKey {
		t.Fatalf("%s: not an object member", path)
	}
	if _, ok := obj[key]; !ok {
		t.Fatalf("%s: no such member", path)
	}
	delete(obj, key)
}

// clone deep-copies a generic JSON value.
func clone(t *testing.T, v any) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(toJSON(t, v)))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// fieldErrors extracts the fielderr.List from err, failing the test if
// err is nil or of another type.
func fieldErrors(t *testing.T, err error) fielderr.List {
	t.Helper()
	if err == nil {
		t.Fatal("got no error, want fielderr.List")
	}
	var errs fielderr.List
	if !errors.As(err, &errs) {
		t.Fatalf("error %v (%T) is not fielderr.List", err, err)
	}
	return errs
}

// checkErrors asserts that err holds exactly want, in order.
func checkErrors(t *testing.T, err error, want fielderr.List) {
	t.Helper()
	got := fieldErrors(t, err)
	if !slices.Equal(got, want) {
		t.Errorf("errors:\n%swant:\n%s", list(got), list(want))
	}
}

func list(es fielderr.List) string {
	var b strings.Builder
	for _, e := range es {
		fmt.Fprintf(&b, "  {Field: %q, Message: %q}\n", e.Field, e.Message)
	}
	if b.Len() == 0 {
		return "  (none)\n"
	}
	return b.String()
}

// readDoc re-marshals doc and reads it.
func readDoc(t *testing.T, doc any) (*plan.Cycle, error) {
	t.Helper()
	return interchange.Read(bytes.NewReader(toJSON(t, doc)), policy)
}

// mustRead reads b and fails the test on any error.
func mustRead(t *testing.T, b []byte) *plan.Cycle {
	t.Helper()
	c, err := interchange.Read(bytes.NewReader(b), policy)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return c
}

func encode(t *testing.T, c *plan.Cycle) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := interchange.Encode(&buf, c, domain.Today(time.Now())); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return buf.Bytes()
}

func fe(path, msg string) fielderr.Error {
	return fielderr.Path(path, msg)
}
