package spreadsheet_test

import (
	"archive/zip"
	"bytes"
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"traguardo/internal/fielderr"
	"traguardo/internal/spreadsheet"
)

// bombPart is a part written into a workbook by withParts: its name, its
// content written by write, stored as it is (stored) or deflated.
type bombPart struct {
	name   string
	stored bool
	write  func(w io.Writer)
}

// withParts returns the workbook b with parts added, or put in place of
// the parts of the same name. The content is streamed into the archive,
// so that a part of a hundred MB costs the test little memory.
func withParts(t testing.TB, b []byte, parts ...bombPart) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	replaced := map[string]bool{}
	for _, p := range parts {
		replaced[p.name] = true
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if !replaced[f.Name] {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, p := range parts {
		method := zip.Deflate
		if p.stored {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		p.write(w)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// repeat writes s n times.
func repeat(w io.Writer, s string, n int) {
	const chunk = 64 << 10
	per := max(1, chunk/len(s))
	block := strings.Repeat(s, per)
	for ; n >= per; n -= per {
		io.WriteString(w, block)
	}
	io.WriteString(w, strings.Repeat(s, n))
}

// xmlPart writes head, body repeated n times, then tail.
func xmlPart(head, body, tail string, n int) func(io.Writer) {
	return func(w io.Writer) {
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+head)
		repeat(w, body, n)
		io.WriteString(w, tail)
	}
}

const mainNS = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`

// stylesBomb is a styles part of n cell formats.
func stylesBomb(n int, stored bool) bombPart {
	return bombPart{"xl/styles.xml", stored, xmlPart(`<styleSheet `+mainNS+`><cellXfs>`, `<xf/>`, `</cellXfs></styleSheet>`, n)}
}

// chainBomb is a calculation chain of n cells.
func chainBomb(n int, stored bool) bombPart {
	return bombPart{"xl/calcChain.xml", stored, xmlPart(`<calcChain `+mainNS+`>`, `<c r="A1" i="1"/>`, `</calcChain>`, n)}
}

// stringBomb is a table of shared strings with one string of n bytes.
func stringBomb(n int, stored bool) bombPart {
	return bombPart{"xl/sharedStrings.xml", stored, xmlPart(`<sst `+mainNS+` count="1" uniqueCount="1"><si><t>`, `x`, `</t></si></sst>`, n)}
}

// nestedBomb is the sheet of the centres of the workbook b with one more
// row, whose cell holds n elements, each inside the one before.
func nestedBomb(t testing.TB, b []byte, n int, stored bool) bombPart {
	t.Helper()
	name := "xl/worksheets/sheet4.xml" // «Centri», as WritePlan writes it
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	sheet, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	head, tail, ok := bytes.Cut(sheet, []byte("</sheetData>"))
	if !ok {
		t.Fatalf("%s has no rows", name)
	}
	return bombPart{name, stored, func(w io.Writer) {
		w.Write(head)
		io.WriteString(w, `<row r="50"><c r="A50" t="inlineStr"><is>`)
		repeat(w, `<a>`, n)
		repeat(w, `</a>`, n)
		io.WriteString(w, `<t>x</t></is></c></row></sheetData>`)
		w.Write(tail)
	}}
}

// manyParts are n small parts.
func manyParts(n int) []bombPart {
	parts := make([]bombPart, n)
	for i := range parts {
		parts[i] = bombPart{name: "xl/media/p" + strconv.Itoa(i) + ".bin", write: func(w io.Writer) { io.WriteString(w, "x") }}
	}
	return parts
}

// The bombs of the security report, at their size, and others of each kind
// made to pass the check before them (stored, not deflated, so that how
// much they are packed tells nothing): every one is refused before it is
// parsed, quickly, with a message that says which part is wrong, and the
// read allocates less than maxAllocated (the report's file of styles made
// the server take 7.65 GB, its calculation chain 1.59 GB, its shared string
// 1.73 GB and its nested elements 0.93 GB).
// Not parallel: the allocations measured are those of the whole program.
func TestReadPlan_WorkbookBombs(t *testing.T) {
	valid := write(t, smallCycle(t))
	for _, c := range []struct {
		name  string
		parts []bombPart
		want  string // in the message
	}{
		{"styles of 19 million formats", []bombPart{stylesBomb(19_000_000, false)}, "«xl/styles.xml» supera 64 MB"},
		{"styles of 12 million formats", []bombPart{stylesBomb(12_000_000, false)}, "«xl/styles.xml» è compressa oltre 200 volte"},
		{"styles of 300,000 formats, stored", []bombPart{stylesBomb(300_000, true)}, "«xl/styles.xml» contiene più di 250000 elementi"},
		{"a calculation chain of 3 million cells", []bombPart{chainBomb(3_000_000, false)}, "«xl/calcChain.xml» è compressa oltre 200 volte"},
		{"a calculation chain of 250,000 cells, stored", []bombPart{chainBomb(250_000, true)}, "«xl/calcChain.xml» contiene più di 200000 elementi"},
		{"a shared string of 95 MB", []bombPart{stringBomb(95<<20, false)}, "«xl/sharedStrings.xml» supera 64 MB"},
		{"a shared string of 60 MB", []bombPart{stringBomb(60<<20, false)}, "«xl/sharedStrings.xml» è compressa oltre 200 volte"},
		{"a shared string of 3 MB, stored", []bombPart{stringBomb(3<<20, true)}, "«xl/sharedStrings.xml» contiene un testo o un'etichetta di oltre 1 MB"},
		{"5 million nested elements in a cell", []bombPart{nestedBomb(t, valid, 5_000_000, false)}, "«xl/worksheets/sheet4.xml» è compressa oltre 200 volte"},
		{"100,000 nested elements in a cell, stored", []bombPart{nestedBomb(t, valid, 100_000, true)}, "«xl/worksheets/sheet4.xml» ha elementi annidati oltre 64 livelli"},
		{"1,001 parts", manyParts(1001), "contiene più di 1000 parti"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := withParts(t, valid, c.parts...)
			var err error
			start := time.Now()
			n := allocated(func() { _, err = spreadsheet.ReadPlan(bytes.NewReader(b)) })
			elapsed := time.Since(start)
			t.Logf("%d KB file, ReadPlan allocated %d MB in %v", len(b)>>10, n>>20, elapsed.Round(time.Millisecond))
			if n > maxAllocated {
				t.Errorf("ReadPlan allocated %d MB, want at most %d MB", n>>20, maxAllocated>>20)
			}
			if elapsed > 10*time.Second {
				t.Errorf("ReadPlan took %v", elapsed)
			}
			errs, ok := err.(fielderr.List)
			if !ok || len(errs) != 1 {
				t.Fatalf("error = %.300v, want one refusal", err)
			}
			msg := errs[0].Message
			if !strings.HasPrefix(msg, "il file non è una cartella di lavoro Excel leggibile: ") || !strings.Contains(msg, c.want) ||
				!strings.HasSuffix(msg, "salvarlo di nuovo in formato .xlsx e riprovare") {
				t.Errorf("message %q, want one with %q", msg, c.want)
			}
		})
	}
}

// What the check refuses is only what passes its limits: a workbook with a
// large part that is not XML (an image, packed as little as it is), and
// with parts of each kind up to their bounds, reads as before.
func TestReadPlan_LargeButFairWorkbook(t *testing.T) {
	t.Parallel()
	want := smallCycle(t)
	noise := make([]byte, 3<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	noise[0] = 0x89 // as a PNG begins
	b := withParts(t, write(t, want),
		bombPart{name: "xl/media/image1.png", write: func(w io.Writer) { w.Write(noise) }},
		bombPart{name: "xl/media/notes.txt", write: func(w io.Writer) { repeat(w, "note ", 100_000) }},
		chainBomb(100_000, true),
		bombPart{"xl/customXml/item1.xml", true, func(w io.Writer) {
			io.WriteString(w, `<data>`)
			repeat(w, `<a><b><c><d><e>`+strings.Repeat("y", 500_000)+`</e></d></c></b></a>`, 2)
			io.WriteString(w, `</data>`)
		}},
	)
	samePlan(t, want, read(t, b))
}

// peakHeap returns the most heap memory in use while read runs, above what
// was in use before, sampled every millisecond, and the bytes allocated.
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

// The worst workbooks the check lets through, each part just under its
// bound, stay far from the memory a bomb took: excelize parses them at
// open, the reader streams the rest.
// Not parallel: the memory measured is that of the whole program.
func TestReadPlan_JustUnderTheBounds(t *testing.T) {
	valid := write(t, smallCycle(t))
	const xf = `<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>`
	for _, c := range []struct {
		name string
		part bombPart
	}{
		{"styles of 124,000 formats", bombPart{"xl/styles.xml", false, xmlPart(`<styleSheet `+mainNS+`><cellXfs>`, xf, `</cellXfs></styleSheet>`, 124_000)}},
		{"a calculation chain of 199,000 cells", chainBomb(199_000, true)},
		{"a shared string of 1000 KB", stringBomb(1000<<10, true)},
		{"55 nested elements in a cell", nestedBomb(t, valid, 55, true)},
	} {
		b := withParts(t, valid, c.part)
		var err error
		peak, total := peakHeap(func() { _, err = spreadsheet.ReadPlan(bytes.NewReader(b)) })
		t.Logf("%s: %d KB file, ReadPlan: peak heap +%d MB, allocated %d MB (%v)", c.name, len(b)>>10, peak>>20, total>>20, err != nil)
		if peak > 800<<20 {
			t.Errorf("%s: peak heap +%d MB, want under 800 MB", c.name, peak>>20)
		}
		if errs, ok := err.(fielderr.List); ok && strings.Contains(errs.Error(), "non è una cartella di lavoro Excel leggibile") {
			t.Errorf("%s: refused: %.300v", c.name, errs)
		}
	}
}
