package report

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
)

// xmlText writes s escaped as XML character data.
func xmlText(w *bufio.Writer, s string) {
	xml.EscapeText(w, []byte(s))
}

// docxWriter writes blocks as the body of word/document.xml, in the styles
// pandoc's DOCX defines (BodyText, Heading1…5, TOC1, TOC2, BlockText,
// TableCaption, Compact, Table, Hyperlink), its lists numbered by the
// definitions of pandoc's numbering.xml.
type docxWriter struct {
	w        *bufio.Writer
	drawing  string // the chart's <w:drawing>, from pandoc's sample
	bullets  string // the numId of a bulleted list
	numbered string // the abstractNumId of a numbered list
	nums     []int  // the numIds of the numbered lists written
	bookmark int
}

var docxStyles = map[paraStyle]string{styleBody: "BodyText", styleTitle: "Title", styleTOC1: "TOC1", styleTOC2: "TOC2",
	styleQuote: "BlockText", styleCaption: "TableCaption", styleCell: "Compact", styleHead: "Compact"}

func (d *docxWriter) blocks(bs []block) {
	for _, b := range bs {
		d.block(b, "", 0)
	}
}

// block writes b; numID and level are the list it is an item of ("": none).
func (d *docxWriter) block(b block, numID string, level int) {
	w := d.w
	switch {
	case b.table != nil:
		d.table(b.table)
	case b.list != nil:
		id := d.bullets
		if b.list.ordered {
			n := 5000 + len(d.nums)
			d.nums = append(d.nums, n)
			id = strconv.Itoa(n)
		}
		nested := 0
		if numID != "" {
			nested = level + 1
		}
		for _, item := range b.list.items {
			for _, ib := range item {
				d.block(ib, id, nested)
			}
		}
	case b.chart:
		w.WriteString(`<w:p><w:pPr><w:pStyle w:val="BodyText"/></w:pPr><w:r>`)
		w.WriteString(d.drawing)
		w.WriteString(`</w:r></w:p>`)
	default:
		style := docxStyles[b.style]
		if b.level > 0 {
			style = "Heading" + strconv.Itoa(b.level)
		} else if numID != "" {
			style = "Compact"
		}
		w.WriteString(`<w:p><w:pPr><w:pStyle w:val="` + style + `"/>`)
		if numID != "" && b.level == 0 {
			w.WriteString(`<w:numPr><w:ilvl w:val="` + strconv.Itoa(level) + `"/><w:numId w:val="` + numID + `"/></w:numPr>`)
		}
		w.WriteString(`</w:pPr>`)
		id := ""
		if b.anchor != "" {
			d.bookmark++
			id = strconv.Itoa(d.bookmark)
			w.WriteString(`<w:bookmarkStart w:id="` + id + `" w:name="`)
			xmlText(w, b.anchor)
			w.WriteString(`"/>`)
		}
		d.runs(b.runs)
		if id != "" {
			w.WriteString(`<w:bookmarkEnd w:id="` + id + `"/>`)
		}
		w.WriteString(`</w:p>`)
	}
}

func (d *docxWriter) runs(rs []run) {
	w := d.w
	for _, r := range rs {
		if r.br {
			w.WriteString(`<w:r><w:br/></w:r>`)
			continue
		}
		if r.href != "" {
			w.WriteString(`<w:hyperlink w:anchor="`)
			xmlText(w, strings.TrimPrefix(r.href, "#"))
			w.WriteString(`">`)
		}
		w.WriteString(`<w:r>`)
		if r.href != "" || r.bold || r.italic || r.underline {
			w.WriteString(`<w:rPr>`)
			if r.href != "" {
				w.WriteString(`<w:rStyle w:val="Hyperlink"/>`)
			}
			if r.bold {
				w.WriteString(`<w:b/><w:bCs/>`)
			}
			if r.italic {
				w.WriteString(`<w:i/><w:iCs/>`)
			}
			if r.underline {
				w.WriteString(`<w:u w:val="single"/>`)
			}
			w.WriteString(`</w:rPr>`)
		}
		w.WriteString(`<w:t xml:space="preserve">`)
		xmlText(w, r.text)
		w.WriteString(`</w:t></w:r>`)
		if r.href != "" {
			w.WriteString(`</w:hyperlink>`)
		}
	}
}

// table writes t as pandoc does: its caption as a paragraph before it, the
// heading row repeated on each page.
func (d *docxWriter) table(t *table) {
	w := d.w
	if t.caption != "" {
		d.block(styled(styleCaption, text(t.caption)), "", 0)
	}
	cols := len(t.head)
	for _, r := range t.rows {
		cols = max(cols, len(r))
	}
	if cols == 0 {
		return
	}
	first := "0"
	if t.head != nil {
		first = "1"
	}
	w.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="Table"/><w:tblW w:type="pct" w:w="5000"/><w:tblLook w:firstRow="` + first +
		`" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="0" w:val="0020"/>`)
	if t.caption != "" {
		w.WriteString(`<w:tblCaption w:val="`)
		xmlText(w, t.caption)
		w.WriteString(`"/>`)
	}
	w.WriteString(`</w:tblPr><w:tblGrid>`)
	width := strconv.Itoa(9000 / cols)
	for range cols {
		w.WriteString(`<w:gridCol w:w="` + width + `"/>`)
	}
	w.WriteString(`</w:tblGrid>`)
	row := func(cells [][]run, head bool) {
		w.WriteString(`<w:tr>`)
		if head {
			w.WriteString(`<w:trPr><w:tblHeader/></w:trPr>`)
		}
		for i := range cols {
			w.WriteString(`<w:tc><w:tcPr/><w:p><w:pPr><w:pStyle w:val="Compact"/></w:pPr>`)
			if i < len(cells) {
				d.runs(cells[i])
			}
			w.WriteString(`</w:p></w:tc>`)
		}
		w.WriteString(`</w:tr>`)
	}
	if t.head != nil {
		row(t.head, true)
	}
	for _, r := range t.rows {
		row(r, false)
	}
	w.WriteString(`</w:tbl>`)
}

// numbering is pandoc's numbering.xml with a numbering of its own for each
// numbered list written (each starts at 1).
func (d *docxWriter) numbering(sample string) (string, error) {
	end := strings.LastIndex(sample, "</w:numbering>")
	if end < 0 {
		return "", fmt.Errorf("report: pandoc's numbering.xml has no end")
	}
	var b strings.Builder
	b.WriteString(sample[:end])
	for _, n := range d.nums {
		fmt.Fprintf(&b, `<w:num w:numId="%d"><w:abstractNumId w:val="%s"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>`, n, d.numbered)
	}
	b.WriteString(sample[end:])
	return b.String(), nil
}

// odtWriter writes blocks as the body of content.xml, in the styles of
// pandoc's ODT (Text_20_body, Heading_20_1…5, Quotations, Table,
// Table_20_Contents, Table_20_Heading) and TOC 1 and TOC 2 (odtTOCStyles),
// bold, italics and underline and the lists in the automatic styles
// odtAutomaticStyles.
type odtWriter struct {
	w      *bufio.Writer
	frame  string // the chart's <draw:frame>, from pandoc's sample
	tables int
}

var odtStyles = map[paraStyle]string{styleBody: "Text_20_body", styleTitle: "Title", styleTOC1: "TOC_20_1", styleTOC2: "TOC_20_2",
	styleQuote: "Quotations", styleCaption: "Table", styleCell: "Table_20_Contents", styleHead: "Table_20_Heading"}

func (o *odtWriter) blocks(bs []block) {
	for _, b := range bs {
		o.block(b, false)
	}
}

func (o *odtWriter) block(b block, item bool) {
	w := o.w
	switch {
	case b.table != nil:
		o.table(b.table)
	case b.list != nil:
		style := "tgUL"
		if b.list.ordered {
			style = "tgOL"
		}
		w.WriteString(`<text:list text:style-name="` + style + `">`)
		for _, it := range b.list.items {
			w.WriteString(`<text:list-item>`)
			for _, ib := range it {
				o.block(ib, true)
			}
			w.WriteString(`</text:list-item>`)
		}
		w.WriteString(`</text:list>`)
	case b.chart:
		w.WriteString(`<text:p text:style-name="Text_20_body">` + o.frame + `</text:p>`)
	case b.level > 0:
		n := strconv.Itoa(b.level)
		w.WriteString(`<text:h text:style-name="Heading_20_` + n + `" text:outline-level="` + n + `">`)
		if b.anchor != "" {
			w.WriteString(`<text:bookmark text:name="`)
			xmlText(w, b.anchor)
			w.WriteString(`"/>`)
		}
		o.runs(b.runs)
		w.WriteString(`</text:h>`)
	default:
		style := odtStyles[b.style]
		if item {
			style = "Text_20_body"
		}
		o.para(style, b.runs)
	}
}

func (o *odtWriter) para(style string, rs []run) {
	o.w.WriteString(`<text:p text:style-name="` + style + `">`)
	o.runs(rs)
	o.w.WriteString(`</text:p>`)
}

func (o *odtWriter) runs(rs []run) {
	w := o.w
	for _, r := range rs {
		if r.br {
			w.WriteString(`<text:line-break/>`)
			continue
		}
		if r.href != "" {
			w.WriteString(`<text:a xlink:type="simple" xlink:href="`)
			xmlText(w, r.href)
			w.WriteString(`">`)
		}
		f := 0
		if r.bold {
			f |= 1
		}
		if r.italic {
			f |= 2
		}
		if r.underline {
			f |= 4
		}
		if f != 0 {
			w.WriteString(`<text:span text:style-name="tgT` + strconv.Itoa(f) + `">`)
		}
		xmlText(w, r.text)
		if f != 0 {
			w.WriteString(`</text:span>`)
		}
		if r.href != "" {
			w.WriteString(`</text:a>`)
		}
	}
}

func (o *odtWriter) table(t *table) {
	w := o.w
	if t.caption != "" {
		o.para(odtStyles[styleCaption], []run{text(t.caption)})
	}
	cols := len(t.head)
	for _, r := range t.rows {
		cols = max(cols, len(r))
	}
	if cols == 0 {
		return
	}
	o.tables++
	w.WriteString(`<table:table table:name="Tabella` + strconv.Itoa(o.tables) + `" table:style-name="tgTable"><table:table-column table:number-columns-repeated="` + strconv.Itoa(cols) + `"/>`)
	row := func(cells [][]run, style string) {
		w.WriteString(`<table:table-row>`)
		for i := range cols {
			w.WriteString(`<table:table-cell office:value-type="string">`)
			var rs []run
			if i < len(cells) {
				rs = cells[i]
			}
			o.para(style, rs)
			w.WriteString(`</table:table-cell>`)
		}
		w.WriteString(`</table:table-row>`)
	}
	if t.head != nil {
		w.WriteString(`<table:table-header-rows>`)
		row(t.head, odtStyles[styleHead])
		w.WriteString(`</table:table-header-rows>`)
	}
	for _, r := range t.rows {
		row(r, odtStyles[styleCell])
	}
	w.WriteString(`</table:table>`)
}

// odtAutomaticStyles are the styles of the body's bold, italics and
// underline (tgT1…tgT7, by their sum: 1 bold, 2 italics, 4 underline), of
// its tables (tgTable) and of its lists (tgUL, tgOL).
var odtAutomaticStyles = func() string {
	var b strings.Builder
	for f := 1; f < 8; f++ {
		fmt.Fprintf(&b, `<style:style style:name="tgT%d" style:family="text"><style:text-properties`, f)
		if f&1 != 0 {
			b.WriteString(` fo:font-weight="bold" style:font-weight-asian="bold" style:font-weight-complex="bold"`)
		}
		if f&2 != 0 {
			b.WriteString(` fo:font-style="italic" style:font-style-asian="italic" style:font-style-complex="italic"`)
		}
		if f&4 != 0 {
			b.WriteString(` style:text-underline-style="solid" style:text-underline-width="auto" style:text-underline-color="font-color"`)
		}
		b.WriteString(`/></style:style>`)
	}
	b.WriteString(`<style:style style:name="tgTable" style:family="table"><style:table-properties style:width="6.5in" table:align="margins"/></style:style>`)
	for _, ordered := range []bool{false, true} {
		name, kind := "tgUL", "bullet"
		if ordered {
			name, kind = "tgOL", "number"
		}
		b.WriteString(`<text:list-style style:name="` + name + `">`)
		for level := 1; level <= 10; level++ {
			indent := fmt.Sprintf("%.2fin", 0.25*float64(level+1))
			if ordered {
				fmt.Fprintf(&b, `<text:list-level-style-number text:level="%d" text:style-name="Numbering_20_Symbols" style:num-suffix="." style:num-format="1">`, level)
			} else {
				fmt.Fprintf(&b, `<text:list-level-style-bullet text:level="%d" text:style-name="Bullet_20_Symbols" text:bullet-char="%s">`, level, []string{"•", "◦", "▪"}[(level-1)%3])
			}
			b.WriteString(`<style:list-level-properties text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="` +
				indent + `" fo:text-indent="-0.25in" fo:margin-left="` + indent + `"/></style:list-level-properties>`)
			b.WriteString(`</text:list-level-style-` + kind + `>`)
		}
		b.WriteString(`</text:list-style>`)
	}
	return b.String()
}()

// odtTOCStyles are the paragraph styles of the table of contents' entries,
// named as Word names them.
const odtTOCStyles = `<style:style style:name="TOC_20_1" style:display-name="TOC 1" style:family="paragraph" style:parent-style-name="Text_20_body" style:class="index"/>` +
	`<style:style style:name="TOC_20_2" style:display-name="TOC 2" style:family="paragraph" style:parent-style-name="Text_20_body" style:class="index"><style:paragraph-properties fo:margin-left="0.25in" fo:margin-right="0in" fo:text-indent="0in" style:auto-text-indent="false"/></style:style>`
