package interchange_test

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"traguardo/internal/fielderr"
	"traguardo/internal/interchange"
)

const docHead = `{"format": "traguardo/v1", "organisation": {"name": "Ente"}, "year": 2025, "periods": ["2025-06-30", "2025-12-31"], "centres": [`

// centres is a document of n centres, each centre.
func centres(n int, centre string) []byte {
	var b bytes.Buffer
	b.Grow(len(docHead) + n*(len(centre)+1) + 2)
	b.WriteString(docHead + centre)
	for range n - 1 {
		b.WriteString("," + centre)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// peakHeap returns the most heap memory in use while read runs, above what
// was in use before (sampled every millisecond), and the bytes allocated.
func peakHeap(read func()) (peak, total uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	done := make(chan struct{})
	sampled := make(chan uint64)
	go func() {
		var most uint64
		var m runtime.MemStats
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				sampled <- most
				return
			case <-tick.C:
				runtime.ReadMemStats(&m)
				most = max(most, m.HeapInuse)
			}
		}
	}()
	read()
	close(done)
	most := <-sampled
	runtime.ReadMemStats(&after)
	return max(most, after.HeapInuse) - min(before.HeapInuse, most), after.TotalAlloc - before.TotalAlloc
}

// The probe of the security report: 10 MB of empty centres gave 3,494,586
// errors, 2.2 GB and a page of 299 MB. A document of more than 200,000
// objects and lists is refused before it is decoded, with one line.
// Not parallel: the memory measured is that of the whole program.
func TestRead_TooManyItems(t *testing.T) {
	n := (10 << 20) / 3
	doc := centres(n, `{}`)
	var err error
	start := time.Now()
	peak, total := peakHeap(func() { _, err = interchange.Read(bytes.NewReader(doc), policy) })
	t.Logf("%d MB document of %d centres: peak heap +%d MB, allocated %d MB in %v", len(doc)>>20, n, peak>>20, total>>20, time.Since(start).Round(time.Millisecond))
	if errs, ok := err.(fielderr.List); !ok || len(errs) != 1 || errs[0].Message != "documento troppo grande: più di 200.000 oggetti ed elenchi" {
		t.Fatalf("Read = %.300v, want it refused for its size", err)
	}
	if total > 100<<20 {
		t.Errorf("allocated %d MB, want at most 100 MB", total>>20)
	}
	// Just under the bound it is decoded, and every centre is checked.
	n = 200_000 - 4 // with the document, its organisation, its periods and its centres
	doc = centres(n, `{}`)
	_, err = interchange.Read(bytes.NewReader(doc), policy)
	if errs, ok := err.(fielderr.List); !ok || errs.Total() != n {
		t.Errorf("%d centres: %.300v", n, err)
	}
}

// A document of 10 MB with a problem in each of its 100,000 centres: the
// list stops at MaxList problems, with one more line that counts the
// others, and the read stays within a bounded memory.
// Not parallel: the memory measured is that of the whole program.
func TestRead_ErrorsCapped(t *testing.T) {
	const n = 100_000
	doc := centres(n, `{"name": "", "manager": "`+strings.Repeat("m", 80)+`"}`)
	if len(doc) < 10<<20 {
		t.Fatalf("a document of %d bytes", len(doc))
	}
	var err error
	start := time.Now()
	peak, total := peakHeap(func() { _, err = interchange.Read(bytes.NewReader(doc), policy) })
	t.Logf("%d MB document of %d centres: peak heap +%d MB, allocated %d MB in %v", len(doc)>>20, n, peak>>20, total>>20, time.Since(start).Round(time.Millisecond))
	errs, ok := err.(fielderr.List)
	if !ok {
		t.Fatalf("Read = %.300v, want a list of problems", err)
	}
	if len(errs) != fielderr.MaxList+1 {
		t.Fatalf("%d problems listed, want %d and the line that counts the others", len(errs), fielderr.MaxList+1)
	}
	if first := errs[0].Error(); first != "centres[0].name: nome del centro mancante" {
		t.Errorf("first problem %q", first)
	}
	if last := errs[fielderr.MaxList-1].Error(); last != fmt.Sprintf("centres[%d].name: nome del centro mancante", fielderr.MaxList-1) {
		t.Errorf("last problem listed %q", last)
	}
	more := errs[len(errs)-1]
	if want := n - fielderr.MaxList; more.More != want || errs.Total() != n || more.Field != "" {
		t.Errorf("last line %+v (total %d), want %d more (total %d)", more, errs.Total(), want, n)
	}
	if want := "e altri 99.500 errori, non elencati"; more.Message != want {
		t.Errorf("last line %q, want %q", more.Message, want)
	}
	if listed := len(errs.Error()); listed > 64<<10 {
		t.Errorf("the problems take %d KB as text", listed>>10)
	}
	if peak > 200<<20 {
		t.Errorf("peak heap +%d MB, want under 200 MB", peak>>20)
	}
	if total > 400<<20 {
		t.Errorf("allocated %d MB, want under 400 MB", total>>20)
	}
}
