package spreadsheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// The data sheets are read straight from the file's XML, one row at a time,
// keeping only the cells of the columns asked for. excelize's own readers
// are not used for them: GetRows and Rows.Columns widen each row to its last
// cell, and GetCellType or GetCellStyle load the whole sheet and widen every
// row the same way, so that one value in column XFD costs 16,384 cells per
// row. What a cell reads as is what excelize gives with RawCellValue: shared
// and inline strings as text, everything else as stored.

// maxSharedStrings bounds the shared strings kept in memory: far more than a
// plan of maxRows rows per sheet can use.
const maxSharedStrings = 1 << 20

var (
	errUnreadable    = errors.New("unreadable part")
	errSharedStrings = errors.New("too many shared strings")
	errNoSuchPart    = errors.New("no such part")
)

// officeDocumentRel ends the type of the relationship to the workbook part.
const officeDocumentRel = "/officeDocument"

// pkg gives access to the parts of a workbook.
type pkg struct {
	parts   map[string]*zip.File
	charset func(string, io.Reader) (io.Reader, error)
	sheets  map[string]string // part of each sheet, by name
	shared  []string          // nil until loaded
	err     error             // of loading the shared strings
}

func openPkg(raw []byte, charset func(string, io.Reader) (io.Reader, error)) (*pkg, error) {
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return nil, err
	}
	b := &pkg{parts: map[string]*zip.File{}, charset: charset, sheets: map[string]string{}}
	for _, f := range zr.File {
		b.parts[strings.ReplaceAll(f.Name, `\`, "/")] = f
	}
	wb := "xl/workbook.xml"
	rels, _ := b.rels("_rels/.rels")
	for _, r := range rels {
		if strings.HasSuffix(r.typ, officeDocumentRel) {
			wb = strings.TrimPrefix(r.target, "/")
			break
		}
	}
	dir := path.Dir(wb)
	rels, err = b.rels(path.Join(dir, "_rels", path.Base(wb)+".rels"))
	if err != nil {
		return b, nil // no sheet is found: they are reported missing
	}
	targets := map[string]string{}
	for _, r := range rels {
		targets[r.id] = r.target
	}
	_ = b.walk(wb, func(d *xml.Decoder, se xml.StartElement) error {
		if se.Name.Local != "sheet" {
			return nil
		}
		var name, id string
		for _, a := range se.Attr {
			switch {
			case a.Name.Local == "name" && a.Name.Space == "":
				name = a.Value
			case a.Name.Local == "id" && a.Name.Space != "":
				id = a.Value
			}
		}
		if target, ok := targets[id]; ok {
			p := path.Join(dir, target)
			if strings.HasPrefix(target, "/") {
				p = path.Clean(target)
			}
			if _, seen := b.sheets[name]; !seen {
				b.sheets[name] = strings.TrimPrefix(p, "/")
			}
		}
		return nil
	})
	return b, nil
}

// open opens a part by its path.
func (b *pkg) open(name string) (io.ReadCloser, error) {
	f, ok := b.parts[name]
	if !ok {
		for n, p := range b.parts {
			if strings.EqualFold(n, name) {
				f, ok = p, true
				break
			}
		}
	}
	if !ok {
		return nil, errNoSuchPart
	}
	return f.Open()
}

func (b *pkg) decoder(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(r)
	d.CharsetReader = b.charset
	return d
}

// walk calls fn with every start element of a part, in order; fn may consume
// the element's content.
func (b *pkg) walk(name string, fn func(*xml.Decoder, xml.StartElement) error) error {
	rc, err := b.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := b.decoder(rc)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if se, ok := tok.(xml.StartElement); ok {
			if err := fn(d, se); err != nil {
				return err
			}
		}
	}
}

type relationship struct{ id, typ, target string }

func (b *pkg) rels(name string) ([]relationship, error) {
	var rels []relationship
	err := b.walk(name, func(_ *xml.Decoder, se xml.StartElement) error {
		if se.Name.Local == "Relationship" {
			rels = append(rels, relationship{attr(se, "Id"), attr(se, "Type"), attr(se, "Target")})
		}
		return nil
	})
	return rels, err
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

// sharedStrings loads the shared strings table once.
func (b *pkg) sharedStrings() ([]string, error) {
	if b.shared != nil || b.err != nil {
		return b.shared, b.err
	}
	b.shared = []string{}
	err := b.walk("xl/sharedStrings.xml", func(d *xml.Decoder, se xml.StartElement) error {
		if se.Name.Local != "si" {
			return nil
		}
		if len(b.shared) == maxSharedStrings {
			return errSharedStrings
		}
		s, err := richText(d, se)
		b.shared = append(b.shared, s)
		return err
	})
	if errors.Is(err, errNoSuchPart) {
		err = nil
	}
	b.err = err
	return b.shared, err
}

// richText reads a shared or inline string (<si> or <is>): its text, then
// the text of its runs, without the phonetic ones.
func richText(d *xml.Decoder, start xml.StartElement) (string, error) {
	var plain string
	var runs strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			return "", err
		}
		switch el := tok.(type) {
		case xml.StartElement:
			switch el.Name.Local {
			case "t":
				if plain, err = charData(d); err != nil {
					return "", err
				}
			case "r":
				run, err := runText(d)
				if err != nil {
					return "", err
				}
				runs.WriteString(run)
			default:
				if err := d.Skip(); err != nil {
					return "", err
				}
			}
		case xml.EndElement:
			return unescape(plain + runs.String()), nil
		}
	}
}

// runText reads the text of a run (<r>).
func runText(d *xml.Decoder) (string, error) {
	var text string
	for {
		tok, err := d.Token()
		if err != nil {
			return "", err
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if el.Name.Local == "t" {
				if text, err = charData(d); err != nil {
					return "", err
				}
			} else if err := d.Skip(); err != nil {
				return "", err
			}
		case xml.EndElement:
			return text, nil
		}
	}
}

// charData reads the text directly inside the element just started, up to
// its end, skipping any element inside it.
func charData(d *xml.Decoder) (string, error) {
	var s []byte
	for {
		tok, err := d.Token()
		if err != nil {
			return "", err
		}
		switch el := tok.(type) {
		case xml.CharData:
			s = append(s, el...)
		case xml.StartElement:
			if err := d.Skip(); err != nil {
				return "", err
			}
		case xml.EndElement:
			return string(s), nil
		}
	}
}

// unescape decodes the _xHHHH_ escapes of a string cell (ECMA-376 ST_Xstring):
// "_x000D_" is a carriage return, "_x005F_" an underscore. An escape that is
// not a character (a lone surrogate) is dropped.
func unescape(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var out strings.Builder
	for {
		i := strings.Index(s, "_x")
		if i < 0 || len(s) < i+7 {
			break
		}
		code, err := strconv.ParseUint(s[i+2:i+6], 16, 32)
		if err != nil || s[i+6] != '_' {
			out.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		out.WriteString(s[:i])
		if r := rune(code); utf8.ValidRune(r) {
			out.WriteRune(r)
		}
		s = s[i+7:]
	}
	out.WriteString(s)
	return out.String()
}

// cell is a cell with a value, as read from a sheet.
type cell struct {
	col   int    // zero-based
	value string // as excelize reads it with RawCellValue
	kind  string // the cell's type attribute: "" or "n" for a number, "s" for a shared string...
	style int    // the style it shows with: its own, its row's or its column's
}

// rowReader reads the rows of a sheet one at a time.
type rowReader struct {
	b      *pkg
	rc     io.ReadCloser
	d      *xml.Decoder
	cols   []colStyle // column styles, from <cols>
	n      int        // the number of the last row read
	inData bool
	done   bool
}

type colStyle struct{ min, max, style int }

// maxColStyles bounds the <col> elements kept: one per column at most.
const maxColStyles = excelize.MaxColumns

func (b *pkg) rows(sheet string) (*rowReader, error) {
	p, ok := b.sheets[sheet]
	if !ok {
		return nil, errNoSuchPart
	}
	rc, err := b.open(p)
	if err != nil {
		return nil, err
	}
	return &rowReader{b: b, rc: rc, d: b.decoder(rc)}, nil
}

func (rr *rowReader) close() { rr.rc.Close() }

// next reads the next row. It returns its number and the cells with a value
// of the columns keep accepts; filled tells whether a cell of the row, kept or
// not, has a value that is not blank, present whether one has a value or a
// formula at all. ok is false after the last row.
func (rr *rowReader) next(keep func(col int) bool) (n int, cells []cell, filled, present, ok bool, err error) {
	for !rr.done {
		tok, err := rr.d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, nil, false, false, false, errUnreadable
		}
		switch el := tok.(type) {
		case xml.StartElement:
			switch el.Name.Local {
			case "sheetData":
				rr.inData = true
			case "col":
				if !rr.inData && len(rr.cols) < maxColStyles {
					min, err1 := strconv.Atoi(attr(el, "min"))
					max, err2 := strconv.Atoi(attr(el, "max"))
					style, err3 := strconv.Atoi(attr(el, "style"))
					if err1 == nil && err2 == nil && err3 == nil && style != 0 {
						rr.cols = append(rr.cols, colStyle{min, max, style})
					}
				}
			case "row":
				if rr.inData {
					return rr.row(el, keep)
				}
			}
		case xml.EndElement:
			if el.Name.Local == "sheetData" {
				rr.done = true
			}
		}
	}
	rr.done = true
	return 0, nil, false, false, false, nil
}

// row reads the row just started.
func (rr *rowReader) row(start xml.StartElement, keep func(col int) bool) (n int, cells []cell, filled, present, ok bool, err error) {
	rr.n++
	if r := attr(start, "r"); r != "" {
		if rr.n, err = strconv.Atoi(r); err != nil || rr.n < 1 || rr.n > excelize.TotalRows {
			return 0, nil, false, false, false, errUnreadable
		}
	}
	rowStyle, _ := strconv.Atoi(attr(start, "s"))
	col := -1
	for {
		tok, err := rr.d.Token()
		if err != nil {
			return 0, nil, false, false, false, errUnreadable
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if el.Name.Local != "c" {
				if err := rr.d.Skip(); err != nil {
					return 0, nil, false, false, false, errUnreadable
				}
				continue
			}
			col++
			c, formula, err := rr.cell(el)
			if err != nil {
				return 0, nil, false, false, false, err
			}
			if c.col >= 0 {
				col = c.col
			}
			c.col = col
			present = present || c.value != "" || formula
			if c.value == "" {
				continue
			}
			filled = filled || strings.TrimSpace(c.value) != ""
			if keep(col) {
				c.style = rr.styleOf(c.style, rowStyle, col)
				cells = append(cells, c)
			}
		case xml.EndElement:
			return rr.n, cells, filled, present, true, nil
		}
	}
}

// styleOf is the style a cell shows with, as excelize's GetCellStyle finds it:
// its own, else its row's, else its column's; -1 when its own is not a number.
func (rr *rowReader) styleOf(own, row, col int) int {
	if own != 0 {
		return own
	}
	if row != 0 {
		return row
	}
	for _, c := range rr.cols {
		if c.min <= col+1 && col+1 <= c.max {
			return c.style
		}
	}
	return 0
}

// cell reads the cell (<c>) just started: its column (-1 when it does not
// say), value, type and own style, and whether it has a formula.
func (rr *rowReader) cell(start xml.StartElement) (c cell, formula bool, err error) {
	c.col = -1
	var v string
	var inline *string
	for _, a := range start.Attr {
		if a.Name.Space != "" {
			continue
		}
		switch a.Name.Local {
		case "r":
			col, _, err := excelize.CellNameToCoordinates(a.Value)
			if err != nil {
				return c, false, errUnreadable
			}
			c.col = col - 1
		case "t":
			c.kind = a.Value
		case "s":
			if c.style, err = strconv.Atoi(a.Value); err != nil {
				c.style = -1
			}
		}
	}
	for {
		tok, err := rr.d.Token()
		if err != nil {
			return c, false, errUnreadable
		}
		switch el := tok.(type) {
		case xml.StartElement:
			switch el.Name.Local {
			case "v":
				if v, err = charData(rr.d); err != nil {
					return c, false, errUnreadable
				}
			case "is":
				s, err := richText(rr.d, el)
				if err != nil {
					return c, false, errUnreadable
				}
				inline = &s
			case "f":
				formula = true
				err = rr.d.Skip()
			default:
				err = rr.d.Skip()
			}
			if err != nil {
				return c, false, errUnreadable
			}
		case xml.EndElement:
			c.value, err = rr.value(c.kind, v, inline)
			return c, formula, err
		}
	}
}

// value is what a cell reads as: a shared string's text (nothing when the
// index is out of the table), an inline string's, or the value as stored.
func (rr *rowReader) value(kind, v string, inline *string) (string, error) {
	switch kind {
	case "s":
		if v == "" {
			return "", nil
		}
		shared, err := rr.b.sharedStrings()
		if err != nil {
			return "", err
		}
		i, _ := strconv.Atoi(strings.TrimSpace(v))
		if i < 0 || i >= len(shared) {
			return "", nil
		}
		return shared[i], nil
	case "inlineStr":
		if inline != nil {
			return *inline, nil
		}
	}
	return v, nil
}
