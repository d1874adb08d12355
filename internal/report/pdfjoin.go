package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/font"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"golang.org/x/text/encoding/charmap"
)

// The PDF of a large report is printed in parts (pdfParts), each a whole
// number of pages (a part ends where the report breaks the page anyway:
// before a centre), and the parts are joined here with pdfcpu (a
// maintained pure-Go PDF library): the pages one after the other, and
// what Chromium writes for the whole document made whole again:
//
//   - the named destinations of the links (Chromium links to
//     "#centro-12" by the name, so a link of the table of contents to a
//     centre printed in another part lands there once joined);
//   - the tagged structure (the accessible PDF): one structure tree, the
//     parts' elements under the first part's Document element, their
//     keys in the parent tree shifted past the earlier parts', their IDs
//     (Chromium's "node00000326", which table cells name as their
//     headers) made unique by the part's prefix;
//   - the outline (bookmarks): one tree, each heading under the heading
//     of the level above before it, whatever part either is in (the level
//     is the heading's structure element, H1…H6);
//   - the footer: Chromium numbers the pages of a part, so the parts are
//     printed without it and "… Pagina N di M" is drawn on every page of
//     the whole, as an artifact (not read as text by a screen reader, as
//     Chromium's own footer);
//   - the title, the language, the catalog's marks: the first part's.
//
// The join adds no date and no time-based identifier (the file
// identifier is the hash of the content), but pdfcpu numbers the objects
// of each joined part in Go's map order, so the same parts may join into
// different bytes of the same document; as Chromium's own PDF carries its
// time of print, a PDF is reproduced by keeping its bytes (the frozen PDF
// of a validation), not by printing again.

// footerFont is the footer's font: PDF's standard Helvetica, in the
// Windows-1252 encoding (Italian letters, "·").
const footerFont = "Helvetica"

// footerSize is the footer's size, in points, and footerBaseline its
// baseline above the page's bottom edge: where Chromium drew it.
const (
	footerSize     = 8
	footerBaseline = 17.5
)

// printedPart is a part of the PDF as Chromium printed it, with the names
// of the anchors it holds: a part has a placeholder of its own for an
// anchor it links to in another part (Chromium drops a link to a name not
// in the document), whose destination the joined PDF does not keep.
type printedPart struct {
	pdf []byte
	own map[string]bool
}

// joinConf is how pdfcpu reads and writes the parts: relaxed, with nothing
// optimised and nothing added.
func joinConf() *model.Configuration {
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	conf.Optimize, conf.OptimizeBeforeWriting, conf.OptimizeResourceDicts = false, false, false
	conf.CreateBookmarks = false
	conf.PreserveInfoDict = true
	conf.Cmd = model.MERGECREATE
	return conf
}

// readPart reads part i of the PDF, as Chromium printed it. It is not
// validated: pdfcpu's validation (two thirds of the read's time) checks
// the whole of what Chromium wrote against the PDF specification, which
// the join does not need, and the join's own walk of the structure, the
// outline and the pages fails on what it cannot use.
func readPart(c context.Context, pdf []byte, i int) (*model.Context, error) {
	ctx, err := api.ReadContext(c, bytes.NewReader(pdf), joinConf())
	if err != nil {
		return nil, fmt.Errorf("report: read part %d of the PDF: %w", i+1, err)
	}
	if err := ctx.EnsurePageCount(); err != nil {
		return nil, fmt.Errorf("report: read part %d of the PDF: %w", i+1, err)
	}
	return ctx, nil
}

// joinPDF joins parts, PDFs printed by Chromium (printPDF), into one, with
// footer(n, total) drawn at the foot of each page n of total.
func joinPDF(c context.Context, parts []printedPart, footer func(n, total int) string) ([]byte, error) {
	var j joiner
	for _, part := range parts {
		if err := j.add(c, part); err != nil {
			return nil, err
		}
	}
	return j.finish(c, footer)
}

// joiner joins parts one after the other (add), as they are printed, and
// then makes the whole (finish).
type joiner struct {
	dest    *model.Context
	roots   []types.Dict // each part's catalog, its references patched by the merge
	keys    int          // the parent tree's keys taken by the parts so far
	offsets []int        // each part's first key
}

// add appends the next part.
func (j *joiner) add(c context.Context, part printedPart) error {
	i := len(j.roots)
	start := time.Now()
	ctx, err := readPart(c, part.pdf, i)
	if err != nil {
		return err
	}
	trace(c, "join: read", start)
	root, err := ctx.DereferenceDict(*ctx.Root)
	if err != nil {
		return err
	}
	next, err := shiftStructure(ctx, root, j.keys, partPrefix(i))
	if err != nil {
		return fmt.Errorf("report: part %d of the PDF: %w", i+1, err)
	}
	j.offsets = append(j.offsets, j.keys)
	j.keys += next
	j.roots = append(j.roots, root)
	// The destinations of the anchors the part holds; its placeholders'
	// go (the first part's are overwritten by the others' below).
	if dests, err := ctx.DereferenceDict(root["Dests"]); err == nil && dests != nil && i > 0 {
		for name := range dests {
			if !part.own[name] {
				delete(dests, name)
			}
		}
	}
	if j.dest == nil {
		j.dest = ctx
		j.dest.EnsureVersionForWriting()
		return nil
	}
	start = time.Now()
	if err := pdfcpu.MergeXRefTables(c, strconv.Itoa(i), ctx, j.dest, false, false); err != nil {
		return fmt.Errorf("report: join part %d of the PDF: %w", i+1, err)
	}
	trace(c, "join: merge", start)
	return nil
}

// finish makes the whole of the parts added, with footer(n, total) drawn at
// the foot of each page n of total.
func (j *joiner) finish(c context.Context, footer func(n, total int) string) ([]byte, error) {
	dest, roots := j.dest, j.roots
	if dest == nil {
		return nil, errors.New("report: no part to join")
	}
	start := time.Now()
	if err := joinStructure(dest, roots, j.offsets, j.keys); err != nil {
		return nil, fmt.Errorf("report: join the tagged structure: %w", err)
	}
	if err := joinOutlines(dest, roots); err != nil {
		return nil, fmt.Errorf("report: join the outline: %w", err)
	}
	trace(c, "join: structure, outline", start)
	start = time.Now()
	if err := stampFooters(c, dest, footer); err != nil {
		return nil, fmt.Errorf("report: number the pages: %w", err)
	}
	trace(c, "join: footers", start)
	start = time.Now()
	var out bytes.Buffer
	if err := api.WriteContext(c, dest, &out); err != nil {
		return nil, fmt.Errorf("report: write the joined PDF: %w", err)
	}
	trace(c, "join: write", start)
	start = time.Now()
	defer trace(c, "join: file id", start)
	return fixedID(out.Bytes(), dest), nil
}

// partPrefix makes a part's structure IDs its own: none for the first.
func partPrefix(i int) string {
	if i == 0 {
		return ""
	}
	return "p" + strconv.Itoa(i+1) + "-"
}

// shiftStructure moves the structure keys of the part ctx (the
// StructParents of its pages and StructParent of its annotations, and the
// parent tree's keys) up by offset, and prefixes its structure IDs (and the
// table headers naming them) with prefix. It returns how many keys the
// part takes (its ParentTreeNextKey).
func shiftStructure(ctx *model.Context, root types.Dict, offset int, prefix string) (int, error) {
	str, err := ctx.DereferenceDict(root["StructTreeRoot"])
	if err != nil || str == nil {
		return 0, err
	}
	next := 0
	if n := str.IntEntry("ParentTreeNextKey"); n != nil {
		next = *n
	}
	if offset == 0 && prefix == "" {
		return next, nil
	}
	for _, e := range ctx.Table {
		if e == nil || e.Free {
			continue
		}
		var d types.Dict
		switch o := e.Object.(type) {
		case types.Dict:
			d = o
		case types.StreamDict:
			d = o.Dict
		default:
			continue
		}
		for _, k := range []string{"StructParents", "StructParent"} {
			if n := d.IntEntry(k); n != nil {
				d[k] = types.Integer(*n + offset)
			}
		}
		if prefix == "" {
			continue
		}
		if id, ok := d["ID"].(types.StringLiteral); ok && (d.Type() == nil || *d.Type() == "StructElem") && d["S"] != nil {
			d["ID"] = types.StringLiteral(prefix + string(id))
		}
		prefixHeaders(d["A"], prefix)
	}
	return next, nil
}

// prefixHeaders prefixes the IDs of the Headers of a structure element's
// attributes a (a dictionary or an array of them, inline).
func prefixHeaders(a types.Object, prefix string) {
	var ds []types.Dict
	switch o := a.(type) {
	case types.Dict:
		ds = append(ds, o)
	case types.Array:
		for _, x := range o {
			if d, ok := x.(types.Dict); ok {
				ds = append(ds, d)
			}
		}
	}
	for _, d := range ds {
		if hs, ok := d["Headers"].(types.Array); ok {
			for i, h := range hs {
				if s, ok := h.(types.StringLiteral); ok {
					hs[i] = types.StringLiteral(prefix + string(s))
				}
			}
		}
	}
}

// joinStructure makes the first part's structure tree the whole's: the
// other parts' top elements under its Document element, one parent tree
// and one ID tree.
func joinStructure(ctx *model.Context, roots []types.Dict, offsets []int, keys int) error {
	str, err := ctx.DereferenceDict(roots[0]["StructTreeRoot"])
	if err != nil || str == nil {
		return err
	}
	docRef, ok := str["K"].(types.IndirectRef)
	if !ok {
		return errors.New("the structure tree has no Document element")
	}
	doc, err := ctx.DereferenceDict(docRef)
	if err != nil {
		return err
	}
	var kids types.Array
	var nums []numEntry
	var names []nameEntry
	for i, root := range roots {
		s, err := ctx.DereferenceDict(root["StructTreeRoot"])
		if err != nil {
			return err
		}
		if s == nil {
			return fmt.Errorf("part %d is not tagged", i+1)
		}
		top, err := ctx.DereferenceDict(s["K"])
		if err != nil {
			return err
		}
		for _, k := range asArray(top["K"]) {
			if r, ok := k.(types.IndirectRef); ok && i > 0 {
				if d, err := ctx.DereferenceDict(r); err == nil && d != nil {
					d["P"] = docRef
				}
			}
			kids = append(kids, k)
		}
		n := len(nums)
		if nums, err = numTree(ctx, s["ParentTree"], nums); err != nil {
			return err
		}
		for j := n; j < len(nums); j++ {
			nums[j].key += offsets[i]
		}
		if names, err = nameTree(ctx, s["IDTree"], names); err != nil {
			return err
		}
	}
	doc["K"] = kids
	slices.SortFunc(nums, func(a, b numEntry) int { return a.key - b.key })
	flat := make(types.Array, 0, 2*len(nums))
	for _, n := range nums {
		flat = append(flat, types.Integer(n.key), n.value)
	}
	pt, err := ctx.IndRefForNewObject(types.Dict{"Type": types.Name("ParentTree"), "Nums": flat})
	if err != nil {
		return err
	}
	str["ParentTree"] = *pt
	str["ParentTreeNextKey"] = types.Integer(keys)
	if len(names) > 0 {
		slices.SortFunc(names, func(a, b nameEntry) int { return strings.Compare(a.key, b.key) })
		flat := make(types.Array, 0, 2*len(names))
		for _, n := range names {
			flat = append(flat, types.StringLiteral(n.key), n.value)
		}
		ids, err := ctx.IndRefForNewObject(types.Dict{"Names": flat})
		if err != nil {
			return err
		}
		str["IDTree"] = *ids
	}
	return nil
}

func asArray(o types.Object) types.Array {
	switch o := o.(type) {
	case nil:
		return nil
	case types.Array:
		return o
	default:
		return types.Array{o}
	}
}

type numEntry struct {
	key   int
	value types.Object
}

type nameEntry struct {
	key   string
	value types.Object
}

// numTree appends the entries of the number tree at o to into.
func numTree(ctx *model.Context, o types.Object, into []numEntry) ([]numEntry, error) {
	if o == nil {
		return into, nil
	}
	d, err := ctx.DereferenceDict(o)
	if err != nil || d == nil {
		return into, err
	}
	ns := asArray(d["Nums"])
	for i := 0; i+1 < len(ns); i += 2 {
		k, ok := ns[i].(types.Integer)
		if !ok {
			return nil, errors.New("a number tree's key is not a number")
		}
		into = append(into, numEntry{int(k), ns[i+1]})
	}
	for _, kid := range asArray(d["Kids"]) {
		if into, err = numTree(ctx, kid, into); err != nil {
			return nil, err
		}
	}
	return into, nil
}

// nameTree appends the entries of the name tree at o to into.
func nameTree(ctx *model.Context, o types.Object, into []nameEntry) ([]nameEntry, error) {
	if o == nil {
		return into, nil
	}
	d, err := ctx.DereferenceDict(o)
	if err != nil || d == nil {
		return into, err
	}
	ns := asArray(d["Names"])
	for i := 0; i+1 < len(ns); i += 2 {
		k, ok := ns[i].(types.StringLiteral)
		if !ok {
			return nil, errors.New("a name tree's key is not a string")
		}
		into = append(into, nameEntry{string(k), ns[i+1]})
	}
	for _, kid := range asArray(d["Kids"]) {
		if into, err = nameTree(ctx, kid, into); err != nil {
			return nil, err
		}
	}
	return into, nil
}

// outlineItem is an item of a part's outline with the level of its
// heading.
type outlineItem struct {
	ref   types.IndirectRef
	dict  types.Dict
	level int
	kids  []*outlineItem
}

// joinOutlines makes one outline of the parts' outlines: their items in
// order, each under the last item of a lower level before it.
func joinOutlines(ctx *model.Context, roots []types.Dict) error {
	var items []*outlineItem
	for _, root := range roots {
		o, ok := root["Outlines"].(types.IndirectRef)
		if !ok {
			continue
		}
		d, err := ctx.DereferenceDict(o)
		if err != nil {
			return err
		}
		if items, err = outlineItems(ctx, d["First"], items); err != nil {
			return err
		}
	}
	outlines, ok := roots[0]["Outlines"].(types.IndirectRef)
	if !ok || len(items) == 0 {
		return nil
	}
	top := &outlineItem{ref: outlines, level: 0}
	top.dict, _ = ctx.DereferenceDict(outlines)
	stack := []*outlineItem{top}
	for _, it := range items {
		for len(stack) > 1 && stack[len(stack)-1].level >= it.level {
			stack = stack[:len(stack)-1]
		}
		parent := stack[len(stack)-1]
		parent.kids = append(parent.kids, it)
		stack = append(stack, it)
	}
	linkOutline(top)
	return nil
}

// outlineItems appends the items from first on, and their descendants, in
// order.
func outlineItems(ctx *model.Context, first types.Object, into []*outlineItem) ([]*outlineItem, error) {
	for o := first; o != nil; {
		ref, ok := o.(types.IndirectRef)
		if !ok {
			return nil, errors.New("an outline item is not an indirect object")
		}
		d, err := ctx.DereferenceDict(ref)
		if err != nil {
			return nil, err
		}
		level := 7
		if se, err := ctx.DereferenceDict(d["SE"]); err == nil && se != nil {
			if s := se.NameEntry("S"); s != nil && len(*s) == 2 && (*s)[0] == 'H' && (*s)[1] >= '1' && (*s)[1] <= '6' {
				level = int((*s)[1] - '0')
			}
		}
		into = append(into, &outlineItem{ref: ref, dict: d, level: level})
		if into, err = outlineItems(ctx, d["First"], into); err != nil {
			return nil, err
		}
		o = d["Next"]
	}
	return into, nil
}

// linkOutline writes the links of it and its descendants: every item open,
// Count its descendants.
func linkOutline(it *outlineItem) int {
	for _, k := range []string{"First", "Last", "Count"} {
		delete(it.dict, k)
	}
	n := 0
	for i, kid := range it.kids {
		delete(kid.dict, "Prev")
		delete(kid.dict, "Next")
		kid.dict["Parent"] = it.ref
		if i > 0 {
			kid.dict["Prev"] = it.kids[i-1].ref
		}
		if i+1 < len(it.kids) {
			kid.dict["Next"] = it.kids[i+1].ref
		}
		n += 1 + linkOutline(kid)
	}
	if len(it.kids) > 0 {
		it.dict["First"] = it.kids[0].ref
		it.dict["Last"] = it.kids[len(it.kids)-1].ref
		it.dict["Count"] = types.Integer(n)
	}
	return n
}

// stampFooters draws footer(n, total) centred at the foot of every page n,
// after the page's own content (kept within q…Q), as an artifact.
func stampFooters(c context.Context, ctx *model.Context, footer func(n, total int) string) error {
	if err := ctx.EnsurePageCount(); err != nil {
		return err
	}
	fontRef, err := ctx.IndRefForNewObject(types.Dict{
		"Type": types.Name("Font"), "Subtype": types.Name("Type1"),
		"BaseFont": types.Name(footerFont), "Encoding": types.Name("WinAnsiEncoding"),
	})
	if err != nil {
		return err
	}
	save, err := contentStream(ctx, []byte("q\n"))
	if err != nil {
		return err
	}
	total := ctx.PageCount
	for n := 1; n <= total; n++ {
		page, _, _, err := ctx.PageDict(c, n, false)
		if err != nil {
			return err
		}
		res, err := ctx.DereferenceDict(page["Resources"])
		if err != nil {
			return err
		}
		if res == nil {
			res = types.Dict{}
		}
		fonts, err := ctx.DereferenceDict(res["Font"])
		if err != nil {
			return err
		}
		if fonts == nil {
			fonts = types.Dict{}
		}
		fonts["TgFooter"] = *fontRef
		res["Font"] = fonts
		page["Resources"] = res

		text := footer(n, total)
		w, err := font.TextWidth(c, text, footerFont, footerSize)
		if err != nil {
			return err
		}
		width := 595.92
		if box := page.ArrayEntry("MediaBox"); len(box) == 4 {
			if x, ok := pdfNumber(box[2]); ok {
				width = x
			}
		}
		enc, err := charmap.Windows1252.NewEncoder().String(replaceUnencodable(text))
		if err != nil {
			return err
		}
		var s bytes.Buffer
		fmt.Fprintf(&s, "Q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\nBT /TgFooter %d Tf 0 g %.2f %.2f Td (%s) Tj ET\nEMC\n",
			footerSize, (width-w)/2, footerBaseline, pdfString(enc))
		stamp, err := contentStream(ctx, s.Bytes())
		if err != nil {
			return err
		}
		contents := append(types.Array{*save}, asArray(page["Contents"])...)
		page["Contents"] = append(contents, *stamp)
	}
	return nil
}

func pdfNumber(o types.Object) (float64, bool) {
	switch o := o.(type) {
	case types.Integer:
		return float64(o), true
	case types.Float:
		return float64(o), true
	}
	return 0, false
}

// contentStream is a new content stream holding b, compressed.
func contentStream(ctx *model.Context, b []byte) (*types.IndirectRef, error) {
	sd, err := ctx.NewStreamDictForBuf(b)
	if err != nil {
		return nil, err
	}
	if err := sd.Encode(); err != nil {
		return nil, err
	}
	return ctx.IndRefForNewObject(*sd)
}

// replaceUnencodable puts "?" for what Windows-1252 cannot write.
func replaceUnencodable(s string) string {
	enc := charmap.Windows1252.NewEncoder()
	var b strings.Builder
	for _, r := range s {
		if _, err := enc.String(string(r)); err != nil {
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// pdfString escapes s for a PDF literal string.
func pdfString(s string) string {
	return strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`, "\r", `\r`, "\n", `\n`).Replace(s)
}

// fixedID replaces the file identifier pdfcpu writes (made from the time)
// with one made from the content, so the same parts give the same bytes:
// the SHA-256 of out with the identifier's places blanked. out is changed
// in place (the identifier is in the trailer, at the end: it is looked
// for from there, and out is neither copied nor scanned again for it).
func fixedID(out []byte, ctx *model.Context) []byte {
	if len(ctx.ID) != 2 {
		return out
	}
	var at []int // where an identifier is, each len(id) long
	var ids [][]byte
	for _, o := range ctx.ID {
		v, ok := o.(types.HexLiteral)
		if !ok || len(v) == 0 {
			return out
		}
		id := []byte(v)
		ids = append(ids, id)
		for end := len(out); ; {
			i := bytes.LastIndex(out[:end], id)
			if i < 0 {
				break
			}
			if !slices.Contains(at, i) {
				at = append(at, i)
			}
			end = i
		}
	}
	// The same identifier twice is at the same places twice: blank each once.
	n := len(ids[0])
	for _, id := range ids {
		if len(id) != n {
			return out
		}
	}
	zeros := bytes.Repeat([]byte("0"), n)
	for _, i := range at {
		copy(out[i:], zeros)
	}
	sum := sha256.Sum256(out)
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	for len(h) < n {
		h += h
	}
	for _, i := range at {
		copy(out[i:], h[:n])
	}
	return out
}
