package report

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"traguardo/internal/format"
)

// The editable documents are written from a small tree of blocks (a
// heading, a paragraph, a table, a list, the chart) built from the model as
// its HTML lays it out (html.templ, with HTMLOptions.Office): the same
// values, in the same order, formatted once by the model. Each block is
// written to WordprocessingML (docxWriter) or to ODF (odtWriter).

// run is a piece of a paragraph's text with its formatting: bold, italic,
// underlined, a link to an anchor of the document, or a line break.
type run struct {
	text          string
	bold, italic  bool
	underline, br bool
	href          string // "#anchor", empty for none
}

// Paragraph styles, by role; each writer names them in its format.
type paraStyle int

const (
	styleBody    paraStyle = iota
	styleTitle             // the document's title
	styleTOC1              // an entry of the table of contents, level 1
	styleTOC2              // level 2
	styleQuote             // the centres under 2.3 in the table of contents
	styleCaption           // a table's caption
	styleCell              // a table cell
	styleHead              // a table's heading cell
)

// block is one of: a paragraph (runs, style), a heading (level > 0, with
// its anchor), a table (table != nil), a list (list != nil) or the chart
// (chart).
type block struct {
	level  int
	anchor string
	style  paraStyle
	runs   []run
	table  *table
	list   *itemList
	chart  bool
}

// table is a table with its caption, its heading row (none when nil) and
// its rows of cells, each cell a paragraph.
type table struct {
	caption string
	head    [][]run
	rows    [][][]run
}

// itemList is a bulleted or numbered list, each item blocks.
type itemList struct {
	ordered bool
	items   [][]block
}

func text(s string) run       { return run{text: collapse(s)} }
func bold(s string) run       { return run{text: collapse(s), bold: true} }
func link(href, s string) run { return run{text: collapse(s), href: href} }
func para(rs ...run) block    { return block{runs: rs} }
func styled(st paraStyle, rs ...run) block {
	return block{style: st, runs: rs}
}
func heading(level int, anchor, s string) block {
	return block{level: level, anchor: anchor, runs: []run{text(s)}}
}

// collapse is s as HTML shows it: every run of white space one space.
func collapse(s string) string {
	if !strings.ContainsAny(s, " \t\n\r\f") {
		return s
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', '\r', '\f':
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}

// officeDocument writes the report m as blocks to emit, in order: the part
// before the centres of 2.3, each centre, then the rest (so a writer holds
// one centre's blocks at a time). chart says whether the chart goes in.
func officeDocument(m *Model, chart bool, emit func([]block) error) error {
	var bs []block
	add := func(b ...block) { bs = append(bs, b...) }
	add(styled(styleTitle, text("Relazione sulla Performance "+itoa(m.Year)+" · "+m.Organisation)))
	if m.Provisional != "" {
		add(para(text(m.Provisional)))
	}
	// The cover.
	add(para(text(m.Organisation)), heading(1, "", "Relazione sulla Performance "+itoa(m.Year)),
		para(text("art. 10, comma 1, lettera b), del D.Lgs. 27 ottobre 2009, n. 150")))
	if m.ApprovalAct != "" {
		s := "Piano della performance approvato con " + m.ApprovalAct
		if m.ApprovedOn != nil {
			s += " (in data " + format.Date(*m.ApprovedOn) + ")"
		}
		add(para(text(s)))
	} else {
		add(para(text("Piano della performance non ancora approvato.")))
	}
	if m.Final {
		add(para(text("Risultati dell'anno: dati al " + format.Date(m.AsOf) + ".")))
	}
	// The table of contents: paragraphs, the entries numbered by their own
	// text.
	toc := func(st paraStyle, anchor, s string) block { return styled(st, link("#"+anchor, s)) }
	add(heading(2, "indice", "Indice"),
		toc(styleTOC1, "introduzione", "1. Introduzione"), toc(styleTOC1, "risultati", "2. I risultati"),
		toc(styleTOC2, "principali-risultati", "2.1 I principali risultati"), toc(styleTOC2, "contesto", "2.2 Contesto e risorse"),
		toc(styleTOC2, "performance", "2.3 La performance organizzativa"))
	for _, ce := range m.Centres {
		add(toc(styleQuote, ce.Anchor, ce.Name))
	}
	add(toc(styleQuote, "variazioni", "Variazioni del piano, indicatori sterilizzati e gradi stabiliti"),
		toc(styleTOC2, "genere", "2.4 Bilancio di genere"), toc(styleTOC1, "processo", "3. Il processo di misurazione e valutazione"),
		toc(styleTOC1, "validazione", "4. La validazione"))

	add(heading(2, "introduzione", "1. Introduzione"))
	add(freeBlocks(m.Texts.Introduction)...)
	add(heading(2, "risultati", "2. I risultati"), heading(3, "principali-risultati", "2.1 I principali risultati"))
	overall := para(text("Grado di raggiungimento complessivo dell'ente: "), bold(withCoverage(m.AchievementText, m.Coverage)))
	if !m.AsOf.IsZero() {
		overall.runs = append(overall.runs, text(" (dati al "+format.Date(m.AsOf)+")."))
	}
	add(overall)
	if chart {
		add(block{chart: true}, para(text(chartCaption)))
	}
	centres := &table{caption: "Grado di raggiungimento per centro di responsabilità",
		head: cells("Centro di responsabilità", "Obiettivi", "Grado di raggiungimento")}
	for _, ce := range m.Centres {
		centres.rows = append(centres.rows, cells(ce.Name, itoa(len(ce.Objectives)), withCoverage(ce.AchievementText, ce.Coverage)))
	}
	centres.rows = append(centres.rows, cells("Complessivo dell'ente", itoa(m.objectives()), withCoverage(m.AchievementText, m.Coverage)))
	bands := &table{caption: "Obiettivi per fascia di raggiungimento", head: cells("Fascia", "Obiettivi")}
	for _, b := range m.ByBand {
		bands.rows = append(bands.rows, cells(b.Band, itoa(b.Count)))
	}
	add(block{table: centres}, block{table: bands})
	add(heading(3, "contesto", "2.2 Contesto e risorse"))
	add(freeBlocks(m.Texts.Context)...)
	add(heading(3, "performance", "2.3 La performance organizzativa"))
	if err := emit(bs); err != nil {
		return err
	}

	for _, ce := range m.Centres {
		bs = bs[:0]
		add(heading(4, ce.Anchor, "CENTRO DI RESPONSABILITA': "+ce.Name))
		p := para()
		if ce.Manager != "" {
			p.runs = append(p.runs, text("Responsabile: "+ce.Manager+". "))
		}
		p.runs = append(p.runs, text("Grado di raggiungimento del centro: "), bold(withCoverage(ce.AchievementText, ce.Coverage)), text("."))
		add(p)
		for i, ob := range ce.Objectives {
			if i == 0 || ce.Objectives[i-1].Section != ob.Section {
				add(para(text(ob.Section)))
			}
			add(objectiveBlocks(ob)...)
		}
		if err := emit(bs); err != nil {
			return err
		}
	}

	bs = bs[:0]
	add(heading(4, "variazioni", "Variazioni del piano, indicatori sterilizzati e gradi stabiliti"))
	if len(m.Variations) == 0 {
		add(para(text("Il piano non ha avuto variazioni dopo l'approvazione.")))
	} else {
		t := &table{caption: "Variazioni del piano dopo l'approvazione", head: cells("Data", "Elemento", "Variazione", "Motivo")}
		for _, v := range m.Variations {
			t.rows = append(t.rows, cells(format.Date(v.On), v.What, v.Action, v.Reason))
		}
		add(block{table: t})
	}
	if len(m.Neutralised) == 0 {
		add(para(text("Nessun indicatore è stato sterilizzato.")))
	} else {
		add(notesBlock("Indicatori sterilizzati (esclusi dalle medie)", m.Neutralised, false))
	}
	if len(m.Overridden) == 0 {
		add(para(text("Nessun grado di raggiungimento è stato stabilito dal direttore in luogo di quello calcolato.")))
	} else {
		add(notesBlock("Gradi di raggiungimento stabiliti dal direttore", m.Overridden, true))
	}
	add(heading(3, "genere", "2.4 Bilancio di genere"))
	add(freeBlocks(m.Texts.Gender)...)
	add(heading(2, "processo", "3. Il processo di misurazione e valutazione"))
	add(freeBlocks(m.Texts.Process)...)
	add(heading(3, "", "Le regole di misurazione del ciclo "+itoa(m.Year)))
	rules := &itemList{}
	for _, l := range m.RuleLines {
		rules.items = append(rules.items, []block{para(text(l))})
	}
	add(block{list: rules})
	add(heading(2, "validazione", "4. La validazione"))
	if m.Validation == nil {
		add(para(text("Relazione non ancora validata dal Nucleo di Valutazione.")))
	} else {
		add(para(text("Esito: "), bold(m.Validation.Outcome), text(", in data "+format.Date(m.Validation.On)+".")))
		add(richBlocks(m.Validation.TextHTML)...)
		add(heading(3, "osservazioni", "Osservazioni del Nucleo di Valutazione sugli obiettivi"))
		if len(m.Observations) == 0 {
			add(para(text("Il Nucleo di Valutazione non ha formulato osservazioni sui singoli obiettivi.")))
		}
		for _, ob := range m.Observations {
			h := heading(4, "", ob.Subject())
			if ob.Anchor != "" {
				h.runs = []run{link("#"+ob.Anchor, ob.Subject())}
			}
			add(h, para(text("Osservazione del "+ob.By+" del "+format.Date(ob.On))), para(text(ob.Text)))
			if ob.Answer != "" {
				s := "Risposta del direttore"
				if ob.AnsweredOn != nil {
					s += " del " + format.Date(*ob.AnsweredOn)
				}
				add(para(text(s)), para(text(ob.Answer)))
			}
		}
	}
	return emit(bs)
}

func cells(s ...string) [][]run {
	out := make([][]run, len(s))
	for i, c := range s {
		out[i] = []run{text(strings.TrimSpace(c))}
	}
	return out
}

// notesBlock is the table of neutralised or overridden indicators (value:
// with the override's achievement and period).
func notesBlock(caption string, ns []MeasureNote, value bool) block {
	t := &table{caption: caption, head: cells("Centro", "Obiettivo", "Indicatore")}
	if value {
		t.head = append(t.head, cells("Grado", "Periodo")...)
	}
	t.head = append(t.head, cells("Da", "Motivo")...)
	for _, n := range ns {
		row := [][]run{{text(n.Centre)}, {link("#"+n.Anchor, n.Objective)}, {text(n.Indicator)}}
		if value {
			period := "ogni periodo"
			if n.Period != "" {
				period = "solo al " + n.Period
			}
			row = append(row, cells(n.Value, period)...)
		}
		t.rows = append(t.rows, append(row, cells(n.By, n.Reason)...))
	}
	return block{table: t}
}

// objectiveBlocks is an objective as the seed lays it out.
func objectiveBlocks(ob Objective) []block {
	bs := []block{heading(5, ob.Anchor, "Obiettivo "+itoa(ob.Number)+" – "+ob.Title)}
	bs = append(bs, block{table: &table{rows: [][][]run{
		cells("Area strategica", ob.StrategicArea),
		cells("Obiettivo operativo (Piano programma)", ob.OperationalObjective),
		cells("Progetto PEG", ob.PEGProject),
		cells("Servizi interessati", ob.Services),
		cells("Utenti finali", ob.EndUsers),
		cells("Reti di collaborazione", ob.Networks),
	}}}, para(text("Descrizione obiettivo")))
	bs = append(bs, richBlocks(ob.DescriptionHTML)...)
	acts := &table{caption: "Modalità di attuazione", head: cells("Attività", "Tempi", "Consuntivo")}
	for _, a := range ob.Activities {
		actual := a.Actual
		if a.Late {
			actual += " (in ritardo)"
		}
		if a.Reason != "" {
			actual += " Motivo: " + a.Reason
		}
		acts.rows = append(acts.rows, cells(a.Description, a.Planned, actual))
	}
	inds := &table{caption: "Indicatori di risultato",
		head: cells("Indicatore", "Descrizione", "Unità misura", "Valore atteso", "Valore consuntivo", "Grado di raggiungimento")}
	for _, in := range ob.Indicators {
		actual := in.ActualText
		if in.Note != "" {
			actual += " (" + in.Note + ")"
		}
		if in.NotMeasurable && in.NotMeasurableReason != "" {
			actual += " Motivo: " + in.NotMeasurableReason
		}
		achievement := in.AchievementText
		if in.OverriddenAt != "" {
			achievement += " (stabilito dal direttore per il " + in.OverriddenAt + ")"
		} else if in.Overridden != "" {
			achievement += " (stabilito dal direttore)"
		}
		inds.rows = append(inds.rows, cells(in.Name, in.Description, in.Unit, in.ExpectedText, strings.TrimSpace(actual), achievement))
	}
	bs = append(bs, block{table: acts}, block{table: inds})
	achieved := para(text("Grado di raggiungimento dell'obiettivo: "), bold(ob.AchievementText))
	if ob.Band != "" {
		achieved.runs = append(achieved.runs, text(" – "+string(ob.Band)))
	}
	bs = append(bs, achieved)
	if ob.ReportTitle != "" {
		bs = append(bs, para(text(ob.ReportTitle)))
		if ob.Status != "" {
			bs = append(bs, para(text("Stato indicato dal responsabile: "+ob.Status+".")))
		}
		if ob.ReportHTML != "" {
			bs = append(bs, richBlocks(ob.ReportHTML)...)
		} else {
			bs = append(bs, para(text("Report non presentato.")))
		}
	}
	return bs
}

// freeBlocks is a director's text, or the note that it is missing.
func freeBlocks(s string) []block {
	if s == "" {
		return []block{para(text("Sezione non ancora compilata dal direttore."))}
	}
	return richBlocks(s)
}

// richBlocks are the blocks of sanitised rich text (richtext: paragraphs,
// line breaks, bold, italics, underline and lists): text outside a
// paragraph makes one of its own.
func richBlocks(s string) []block {
	if s == "" {
		return nil
	}
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(s), body)
	if err != nil {
		return []block{para(text(s))}
	}
	for _, n := range nodes {
		body.AppendChild(n)
	}
	return flowBlocks(body)
}

// flowBlocks are the blocks of the children of n: paragraphs and lists,
// inline content between them gathered into paragraphs.
func flowBlocks(n *html.Node) []block {
	var out []block
	var pending []run
	flush := func() {
		if rs := trimRuns(pending); len(rs) > 0 {
			out = append(out, para(rs...))
		}
		pending = nil
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.ElementNode && c.DataAtom == atom.P:
			flush()
			pending = inlineRuns(c, run{}, nil)
			flush()
		case c.Type == html.ElementNode && (c.DataAtom == atom.Ul || c.DataAtom == atom.Ol):
			flush()
			l := &itemList{ordered: c.DataAtom == atom.Ol}
			for li := c.FirstChild; li != nil; li = li.NextSibling {
				if li.Type == html.ElementNode && li.DataAtom == atom.Li {
					l.items = append(l.items, flowBlocks(li))
				}
			}
			if len(l.items) > 0 {
				out = append(out, block{list: l})
			}
		default:
			pending = inlineRuns(c, run{}, pending)
		}
	}
	flush()
	return out
}

// inlineRuns appends to rs the runs of n (and its children) with the
// formatting f around them.
func inlineRuns(n *html.Node, f run, rs []run) []run {
	switch n.Type {
	case html.TextNode:
		r := f
		r.text = collapse(n.Data)
		if r.text != "" {
			rs = append(rs, r)
		}
		return rs
	case html.ElementNode:
		switch n.DataAtom {
		case atom.Br:
			return append(rs, run{br: true})
		case atom.Strong, atom.B:
			f.bold = true
		case atom.Em, atom.I:
			f.italic = true
		case atom.U:
			f.underline = true
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		rs = inlineRuns(c, f, rs)
	}
	return rs
}

// trimRuns is rs without the white space at the start and the end of the
// paragraph, nor a space after another or after a line break.
func trimRuns(rs []run) []run {
	out := rs[:0]
	space := true // at the start, or after a space or a break
	for _, r := range rs {
		if r.br {
			if n := len(out); n > 0 && !out[n-1].br {
				out[n-1].text = strings.TrimRight(out[n-1].text, " ")
			}
			out = append(out, r)
			space = true
			continue
		}
		if space {
			r.text = strings.TrimLeft(r.text, " ")
		}
		if r.text == "" {
			continue
		}
		space = strings.HasSuffix(r.text, " ")
		out = append(out, r)
	}
	if n := len(out); n > 0 && !out[n-1].br {
		out[n-1].text = strings.TrimRight(out[n-1].text, " ")
		if out[n-1].text == "" {
			out = out[:n-1]
		}
	}
	return out
}
