package report

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"traguardo/internal/format"
)

// The Piano as an editable document (DOCX, ODT), written by the
// Relazione's writer (officepack.go) from the same model as its HTML, in
// the same order. A draft says so in a paragraph under the title (a word
// processor's watermark is its user's to add).

func (p *Piano) officeTitle() string {
	return "Piano della Performance " + itoa(p.Year) + " · " + p.Organisation
}

// chartAlt is empty: the Piano has no chart.
func (p *Piano) chartAlt() string { return "" }

// officeBlocks writes the Piano as blocks to emit: the part before the
// centres' objectives, each centre, then the rest.
func (p *Piano) officeBlocks(_ bool, emit func([]block) error) error {
	var bs []block
	add := func(b ...block) { bs = append(bs, b...) }
	add(styled(styleTitle, text(p.officeTitle())))
	if p.Watermark != "" {
		add(para(bold(p.Watermark + ": il documento diventa definitivo con l'approvazione del direttore.")))
	}
	add(para(text(p.Organisation)), heading(1, "", "Piano della Performance "+itoa(p.Year)),
		para(text("art. 10, comma 1, lettera a), del D.Lgs. 27 ottobre 2009, n. 150")))
	if p.ApprovalAct != "" {
		s := "Approvato con " + p.ApprovalAct
		if p.ApprovedOn != nil {
			s += " (in data " + format.Date(*p.ApprovedOn) + ")"
		}
		add(para(text(s)))
	} else {
		add(para(text("Piano non ancora approvato.")))
	}
	if p.Version > 0 {
		add(para(text("Versione " + itoa(p.Version))))
	}
	toc := func(st paraStyle, anchor, s string) block { return styled(st, link("#"+anchor, s)) }
	add(heading(2, "indice", "Indice"), toc(styleTOC1, "ente", "1. L'ente e la sua organizzazione"),
		toc(styleTOC1, "aree", "2. Le aree strategiche e il valore pubblico"))
	for _, a := range p.Areas {
		add(toc(styleQuote, a.Anchor, a.Name))
	}
	add(toc(styleTOC1, "obiettivi", "3. Gli obiettivi dei centri di responsabilità"))
	for i, ce := range p.Centres {
		add(toc(styleQuote, ce.Anchor, fmt.Sprintf("3.%d %s", i+1, ce.Name)))
	}
	add(toc(styleTOC1, "regole", "4. Le regole di misurazione e valutazione"))
	if p.ApprovalAct != "" {
		add(toc(styleTOC1, "variazioni", "5. Le variazioni del piano"))
	}

	add(heading(2, "ente", "1. L'ente e la sua organizzazione"),
		para(text(fmt.Sprintf("%s persegue i propri obiettivi di performance attraverso %d centri di responsabilità, ciascuno affidato a un responsabile.", p.Organisation, len(p.Centres)))))
	centres := &table{caption: "Centri di responsabilità e responsabili", head: cells("Centro di responsabilità", "Responsabile", "Obiettivi")}
	for _, ce := range p.Centres {
		centres.rows = append(centres.rows, [][]run{{link("#"+ce.Anchor, ce.Name)}, {text(pianoDash(ce.Manager))}, {text(itoa(len(ce.Objectives)))}})
	}
	add(block{table: centres})
	add(heading(2, "aree", "2. Le aree strategiche e il valore pubblico"))
	if len(p.Areas) == 0 {
		add(para(text("Nessun obiettivo del piano indica un'area strategica.")))
	}
	for _, a := range p.Areas {
		add(heading(3, a.Anchor, a.Name), para(bold("Valore pubblico perseguito")))
		if a.PublicValue != "" {
			add(para(text(a.PublicValue)))
		} else {
			add(para(text("Valore pubblico non ancora indicato.")))
		}
		add(para(bold("Obiettivi che lo perseguono")))
		refs := &itemList{}
		for _, r := range a.Objectives {
			refs.items = append(refs.items, []block{para(link("#"+r.Anchor, r.Label))})
		}
		add(block{list: refs})
	}
	if p.Unassigned > 0 {
		add(para(text(pianoUnassigned(p.Unassigned))))
	}
	add(heading(2, "obiettivi", "3. Gli obiettivi dei centri di responsabilità"))
	if p.BaselineYear != 0 {
		add(para(text(fmt.Sprintf("Per gli obiettivi riportati dal ciclo %d la baseline di ciascun indicatore è il valore consuntivo di fine %d dell'indicatore da cui deriva.", p.BaselineYear, p.BaselineYear))))
	}
	if err := emit(bs); err != nil {
		return err
	}

	for i, ce := range p.Centres {
		bs = bs[:0]
		add(heading(3, ce.Anchor, fmt.Sprintf("3.%d %s", i+1, ce.Name)), para(text("Responsabile: "+pianoDash(ce.Manager))))
		if len(ce.Objectives) == 0 {
			add(para(text("Nessun obiettivo assegnato.")))
		}
		for _, ob := range ce.Objectives {
			add(pianoObjectiveBlocks(ob, p.BaselineYear)...)
		}
		if err := emit(bs); err != nil {
			return err
		}
	}

	bs = bs[:0]
	add(heading(2, "regole", "4. Le regole di misurazione e valutazione"))
	if len(p.Periods) > 0 {
		add(para(text("Periodi di monitoraggio: " + pianoJoin(p.Periods) + ".")))
	}
	rules := &itemList{}
	for _, l := range p.RuleLines {
		rules.items = append(rules.items, []block{para(text(l))})
	}
	add(block{list: rules})
	if p.ApprovalAct != "" {
		add(heading(2, "variazioni", "5. Le variazioni del piano"))
		if len(p.Changes) > 0 {
			add(heading(3, "", "Modifiche della versione "+itoa(p.Version)))
			changes := &itemList{}
			for _, c := range p.Changes {
				changes.items = append(changes.items, []block{para(text(c))})
			}
			add(block{list: changes})
		}
		if len(p.Variations) == 0 {
			add(para(text("Il piano non ha avuto variazioni dopo l'approvazione.")))
		} else {
			t := &table{caption: "Variazioni approvate dopo l'adozione del piano", head: cells("Data", "Elemento", "Azione", "Motivazione")}
			for _, v := range p.Variations {
				t.rows = append(t.rows, cells(format.Date(v.On), v.What, v.Action, v.Reason))
			}
			add(block{table: t})
		}
	}
	return emit(bs)
}

// pianoObjectiveBlocks is an objective as the Piano lays it out.
func pianoObjectiveBlocks(ob PianoObjective, baselineYear int) []block {
	origin := "Nuovo obiettivo"
	if ob.CarriedFrom != 0 {
		origin = "Riportato dal ciclo " + itoa(ob.CarriedFrom)
	}
	bs := []block{heading(4, ob.Anchor, ob.Section+", obiettivo "+itoa(ob.Number)+" – "+ob.Title)}
	bs = append(bs, block{table: &table{rows: [][][]run{
		cells("Area strategica", ob.StrategicArea),
		cells("Obiettivo operativo (Piano programma)", ob.OperationalObjective),
		cells("Progetto PEG", ob.PEGProject),
		cells("Servizi interessati", ob.Services),
		cells("Utenti finali", ob.EndUsers),
		cells("Reti di collaborazione", ob.Networks),
		cells("Peso nel centro", pianoWeight(ob.Weight)),
		cells("Origine", origin),
	}}})
	if ob.DescriptionHTML != "" {
		bs = append(bs, para(bold("Descrizione obiettivo")))
		bs = append(bs, richBlocks(ob.DescriptionHTML)...)
	}
	acts := &table{caption: "Attività e tempi previsti", head: cells("Attività", "Mesi previsti")}
	for _, a := range ob.Activities {
		acts.rows = append(acts.rows, cells(a.Description, a.Planned))
	}
	baseline := "Baseline"
	if baselineYear != 0 {
		baseline += " " + itoa(baselineYear)
	}
	inds := &table{caption: "Indicatori di risultato",
		head: cells("Indicatore", "Descrizione", "Unità di misura e polarità", baseline, "Target intermedi", "Target finale", "Peso")}
	for _, in := range ob.Indicators {
		inds.rows = append(inds.rows, cells(in.Name, in.Description, in.Unit+", "+in.Polarity, pianoDash(in.Baseline),
			pianoDash(pianoJoin(in.Targets)), in.Target, pianoWeight(in.Weight)))
	}
	return append(bs, block{table: acts}, block{table: inds})
}

// PianoOffice writes the Piano as an editable document, format DOCX or
// ODT, within 2 minutes and no memory limit on pandoc (the command line; a
// server writes it through Documents.PianoOffice).
func PianoOffice(ctx context.Context, p *Piano, format string) ([]byte, error) {
	path, _, err := pianoOfficeInput(ctx, p, format)
	if err != nil {
		return nil, err
	}
	return writeOffice(ctx, path, format, p, nil, Limits{Time: 2 * time.Minute}, &OfficeRun{})
}

// PianoOffice is the Piano written as format (DOCX or ODT) in lane, like
// the Relazione's (the same slots, cache and limits): keyed by the Piano's
// HTML.
func (d *Documents) PianoOffice(ctx context.Context, p *Piano, format string, lane Lane) ([]byte, error) {
	path, key, err := pianoOfficeInput(ctx, p, format)
	if err != nil {
		return nil, err
	}
	return d.produce(ctx, lane, format, key, func(ctx context.Context) ([]byte, error) {
		return d.within(ctx, pandocResident(d.cfg.Limits.PandocHeap), func() ([]byte, error) {
			return writeOffice(ctx, path, format, p, nil, d.cfg.Limits, &OfficeRun{})
		})
	})
}

// pianoOfficeInput is pandoc's path and what keys the document of format
// made from p: its HTML, which holds every value the document is written
// from, marked as the Piano's.
func pianoOfficeInput(ctx context.Context, p *Piano, format string) (string, []byte, error) {
	if format != DOCX && format != ODT {
		return "", nil, fmt.Errorf("report: unknown office format %q", format)
	}
	path, err := FindPandoc()
	if err != nil {
		return "", nil, err
	}
	var doc bytes.Buffer
	doc.WriteString("piano\x00")
	if err := PianoHTML(ctx, &doc, p, PianoOptions{StyleHrefs: []string{"-"}}); err != nil {
		return "", nil, err
	}
	return path, doc.Bytes(), nil
}
