package spreadsheet_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"traguardo/internal/fielderr"
	"traguardo/internal/spreadsheet"
)

// sheetPart is the path in the file of the worksheet named sheet.
func sheetPart(t testing.TB, files map[string][]byte, sheet string) string {
	t.Helper()
	m := regexp.MustCompile(`<sheet [^>]*name="` + regexp.QuoteMeta(sheet) + `"[^>]*r:id="([^"]+)"`).FindSubmatch(files["xl/workbook.xml"])
	if m == nil {
		t.Fatalf("sheet %s not in the workbook", sheet)
	}
	m = regexp.MustCompile(`<Relationship [^>]*Id="` + string(m[1]) + `"[^>]*Target="([^"]+)"`).FindSubmatch(files["xl/_rels/workbook.xml.rels"])
	if m == nil {
		t.Fatalf("sheet %s has no part", sheet)
	}
	return "xl/" + strings.TrimPrefix(string(m[1]), "/xl/")
}

// withRows returns the workbook b with rows (XML <row> elements) added after
// the last row of sheet, written straight into the file: the way a hostile
// file is made, with no spreadsheet program filling anything in.
func withRows(t testing.TB, b []byte, sheet, rows string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		if files[f.Name], err = io.ReadAll(rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
	}
	part := sheetPart(t, files, sheet)
	if !bytes.Contains(files[part], []byte("</sheetData>")) {
		t.Fatalf("%s has no rows", part)
	}
	files[part] = bytes.Replace(files[part], []byte("</sheetData>"), []byte(rows+"</sheetData>"), 1)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(files[f.Name]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// farRows are the rows from to to (included), each with one cell in the
// last column of a sheet, XFD.
func farRows(from, to int) string {
	var s strings.Builder
	for n := from; n <= to; n++ {
		fmt.Fprintf(&s, `<row r="%d"><c r="XFD%d" t="inlineStr"><is><t>x</t></is></c></row>`, n, n)
	}
	return s.String()
}

// allocated returns the bytes allocated while read runs.
func allocated(read func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	read()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

const maxAllocated = 100 << 20

// thousands writes n the Italian way: 12.345.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	return s
}

// The attack of the security report: a 44 KB workbook whose Obiettivi sheet
// has 6,000 rows, each with one cell in column XFD, made the upload allocate
// gigabytes (every row was widened to 16,384 cells). Cells past the known
// columns are not kept: the rows are refused (they have a value, so they are
// rows without centre, section...) and the memory stays small.
// Not parallel: the allocations measured are those of the whole program.
func TestReadPlan_FarColumnsDoNotExhaustMemory(t *testing.T) {
	b := withRows(t, write(t, smallCycle(t)), "Obiettivi", farRows(10, 6009))
	t.Logf("workbook: %d KB", len(b)>>10)
	var err error
	n := allocated(func() { _, err = spreadsheet.ReadPlan(bytes.NewReader(b)) })
	t.Logf("ReadPlan allocated %d MB", n>>20)
	if n > maxAllocated {
		t.Errorf("ReadPlan allocated %d MB, want at most %d MB", n>>20, maxAllocated>>20)
	}
	errs, ok := err.(fielderr.List)
	if !ok || len(errs) == 0 {
		t.Fatalf("ReadPlan accepted the workbook or failed otherwise: %v", err)
	}
	if first := errs[0].Error(); first != "Obiettivi, riga 10, colonna A: centro mancante" {
		t.Errorf("first error = %q", first)
	}
	// Two problems a row (no centre, no section...) are kept up to the
	// list's bound; the last line counts the others.
	if len(errs) != fielderr.MaxList+1 {
		t.Errorf("%d errors listed, want %d and the line that counts the others", len(errs), fielderr.MaxList+1)
	}
	last := errs[len(errs)-1]
	if want := fmt.Sprintf("e altri %s errori, non elencati", thousands(errs.Total()-fielderr.MaxList)); last.Message != want || last.More == 0 {
		t.Errorf("last error = %+v, want %q", last, want)
	}
	if errs.Total() < 6000 {
		t.Errorf("%d errors in all, want one at least for each of the 6,000 rows", errs.Total())
	}
}

// A sheet longer than the row limit is refused at the first row past it,
// without reading the rest.
func TestReadPlan_RowLimitStopsReading(t *testing.T) {
	const limit = 10000
	// Rows 2 to 3 are the plan's; then rows up to the limit, and past it.
	rows := farRows(4, limit+1) + farRows(limit+2, limit+50)
	b := withRows(t, write(t, smallCycle(t)), "Centri", rows)
	var err error
	n := allocated(func() { _, err = spreadsheet.ReadPlan(bytes.NewReader(b)) })
	t.Logf("ReadPlan allocated %d MB", n>>20)
	if n > maxAllocated {
		t.Errorf("ReadPlan allocated %d MB, want at most %d MB", n>>20, maxAllocated>>20)
	}
	errs, ok := err.(fielderr.List)
	if !ok {
		t.Fatalf("ReadPlan accepted the workbook or failed otherwise: %v", err)
	}
	found := false
	for _, e := range errs {
		if e.Sheet == "Centri" && e.Row > limit+2 {
			t.Errorf("a row past the limit was read: %v", e)
		}
		found = found || e.Error() == fmt.Sprintf("Centri, riga %d: troppe righe: al massimo %d righe per foglio", limit+2, limit)
	}
	if !found {
		t.Errorf("no row-limit error in %v", errs[:min(len(errs), 5)])
	}
}

// A stray value far to the right of a valid row is ignored: the row reads as
// it is.
func TestReadPlan_FarCellOnAValidRow(t *testing.T) {
	t.Parallel()
	want := smallCycle(t)
	b := edit(t, write(t, want), func(f *excelize.File) {
		set(t, f, "Obiettivi", "XFD2", "nota a margine", "ZZ3", 7)
		set(t, f, "Centri", "AAA2", "x")
	})
	samePlan(t, want, read(t, b))
}

// withPart returns the workbook b with one more part, name, holding size
// zero bytes; declared is the size its header states (size when 0).
func withPart(t testing.TB, b []byte, name string, size, declared int) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	var deflated bytes.Buffer
	fw, err := flate.NewWriter(&deflated, flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for n := 0; n < size; n += len(zeros) {
		fw.Write(zeros[:min(len(zeros), size-n)])
	}
	fw.Close()
	if declared == 0 {
		declared = size
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CompressedSize64: uint64(deflated.Len()), UncompressedSize64: uint64(declared)})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(deflated.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// A small file that unpacks to more than 100 MB is refused before it is
// unpacked. A part that unpacks to more than its header tells is cut where
// the header says (by archive/zip): that one does not matter here, it is not
// a sheet, only the memory does.
func TestReadPlan_ZipBomb(t *testing.T) {
	valid := write(t, smallCycle(t))
	for _, c := range []struct {
		name    string
		b       []byte
		refused bool
	}{
		{"a large part", withPart(t, valid, "xl/media/image1.png", 120<<20, 0), true},
		{"a large sheet", withPart(t, valid, "xl/worksheets/sheet9.xml", 120<<20, 0), true},
		{"a part larger than it tells", withPart(t, valid, "xl/media/image1.png", 120<<20, 1<<10), false},
	} {
		var err error
		n := allocated(func() { _, err = spreadsheet.ReadPlan(bytes.NewReader(c.b)) })
		t.Logf("%s: %d KB file, ReadPlan allocated %d MB", c.name, len(c.b)>>10, n>>20)
		if n > maxAllocated {
			t.Errorf("%s: ReadPlan allocated %d MB, want at most %d MB", c.name, n>>20, maxAllocated>>20)
		}
		if !c.refused {
			continue
		}
		if errs, ok := err.(fielderr.List); !ok || len(errs) != 1 || !strings.Contains(errs[0].Message, "non è una cartella di lavoro Excel leggibile") {
			t.Errorf("%s: error = %v", c.name, err)
		}
	}
}
