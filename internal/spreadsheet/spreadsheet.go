// Package spreadsheet writes the plan of a cycle as an Excel workbook (XLSX)
// and reads such a workbook back: the way offices that build their plan in a
// spreadsheet bring it into Traguardo, and take it out again.
//
// The workbook has one sheet per kind of plan item: "Obiettivi", "Attività",
// "Indicatori", plus "Aree strategiche" (the public value of each strategic
// area the objectives name; optional), "Centri" and "Ciclo". Activities and indicators point to
// their objective by centre, section and number, the way the plan itself
// names an objective. Only the plan travels: no actual values, progress or
// reports.
//
// Reading checks everything before anything is returned, with the rules of
// package plan (the same ones the forms and the JSON import use), and
// reports every problem at its sheet, row and column.
package spreadsheet

import (
	"strings"

	"traguardo/internal/domain"
)

// The sheets, by the name they have in the workbook.
const (
	SheetInstructions = "Istruzioni"
	SheetObjectives   = "Obiettivi"
	SheetActivities   = "Attività"
	SheetIndicators   = "Indicatori"
	SheetCentres      = "Centri"
	SheetCycle        = "Ciclo"
	SheetAreas        = "Aree strategiche"
)

// kind says how a column's cells are written, read and explained.
type kind int

const (
	text     kind = iota // a short text
	longText             // a text that wraps (titles, descriptions)
	integer              // a whole number
	number               // a decimal number, optional
	month                // AAAA-MM, kept as text
	date                 // AAAA-MM-GG, kept as text
	yesNo                // si / no
	polarity             // più alto / più basso
	unit                 // one of domain.Units
	expected             // a number, or si/no for a si/no indicator
	label                // written for reading only, ignored on reading
)

// column is one column of a sheet.
type column struct {
	header   string
	kind     kind
	width    float64
	required bool
	help     string // what goes in it, for the instructions
	example  string // the example row of the instructions
}

// sheet is the layout of one data sheet.
type sheet struct {
	name    string
	help    string
	columns []column
}

// The column positions of each sheet, in the order of the layouts below.
const (
	centreName = iota
	centreManager
)

const (
	cycleYear = iota
	cyclePeriod
)

const (
	objCentre = iota
	objSection
	objNumber
	objTitle
	objStrategicArea
	objOperational
	objPEG
	objServices
	objEndUsers
	objNetworks
	objDescription
	objWeight
	objGroup
)

const (
	areaName = iota
	areaPublicValue
)

const (
	actCentre = iota
	actSection
	actNumber
	actOrder
	actDescription
	actFrom
	actTo
	actAnnual
	actLabel
)

const (
	indCentre = iota
	indSection
	indNumber
	indOrder
	indName
	indDescription
	indUnit
	indPolarity
	indWeight
	indExpected
)

// The reference to an objective, shared by activities and indicators.
var objectiveRef = []column{
	{header: "Centro", kind: text, width: 28, required: true,
		help: "Il centro di responsabilità dell'obiettivo, scritto come nel foglio «Centri».", example: "AREA DIREZIONE"},
	{header: "Sezione", kind: text, width: 24, required: true,
		help: "La sezione dell'obiettivo, scritta come nel foglio «Obiettivi».", example: "Obiettivi di performance"},
	{header: "Numero obiettivo", kind: integer, width: 10, required: true,
		help: "Il numero dell'obiettivo nella sua sezione, come nel foglio «Obiettivi».", example: "1"},
}

var (
	centresSheet = sheet{
		name: SheetCentres,
		help: "Un centro di responsabilità (Area) per riga, nell'ordine in cui compaiono nel piano e nella relazione.",
		columns: []column{
			{header: "Nome", kind: text, width: 40, required: true,
				help: "Il nome del centro, unico nel ciclo.", example: "AREA DIREZIONE"},
			{header: "Responsabile", kind: text, width: 40,
				help: "Il responsabile del centro per l'anno (facoltativo).", example: "Mario Rossi"},
		},
	}

	cycleSheet = sheet{
		name: SheetCycle,
		help: "L'anno del ciclo e le date di fine dei periodi di monitoraggio, una per riga. Solo informativo: " +
			"il piano si carica nel ciclo scelto nell'applicazione, con i suoi periodi.",
		columns: []column{
			{header: "Anno", kind: integer, width: 10,
				help: "L'anno del ciclo, nella prima riga.", example: "2023"},
			{header: "Fine periodo di monitoraggio (AAAA-MM-GG)", kind: date, width: 40,
				help: "La data in cui finisce un periodo di monitoraggio, una per riga, in ordine.", example: "2023-03-31"},
		},
	}

	objectivesSheet = sheet{
		name: SheetObjectives,
		help: "Un obiettivo di performance per riga, nell'ordine del piano. Sezione e numero identificano " +
			"l'obiettivo nel suo centro: attività e indicatori lo richiamano con centro, sezione e numero.",
		columns: []column{
			{header: "Centro", kind: text, width: 28, required: true,
				help: "Il centro di responsabilità, scritto come nel foglio «Centri».", example: "AREA DIREZIONE"},
			{header: "Sezione", kind: text, width: 24, required: true,
				help: "La sezione in cui l'obiettivo è numerato (la numerazione riparte in ogni sezione).", example: "Obiettivi di performance"},
			{header: "Numero", kind: integer, width: 9, required: true,
				help: "Il numero dell'obiettivo nella sezione: intero da 1 in su, non ripetuto nella stessa sezione del centro.", example: "1"},
			{header: "Titolo", kind: longText, width: 45, required: true,
				help: "Il titolo dell'obiettivo.", example: "Definizione del Piano di comunicazione"},
			{header: "Area strategica", kind: longText, width: 30,
				help: "L'area strategica del DUP o del Piano programma.", example: "Governance, amministrazione e servizi generali."},
			{header: "Obiettivo operativo", kind: longText, width: 30,
				help: "L'obiettivo operativo (Piano programma) che l'obiettivo attua.", example: "Garantire l'attività di direzione"},
			{header: "Progetto PEG", kind: longText, width: 30,
				help: "Il progetto PEG a cui appartiene.", example: "Governance interna/esterna ed attività direzionali."},
			{header: "Servizi interessati", kind: longText, width: 30,
				help: "I servizi interessati.", example: "Sistema di pianificazione, programmazione e controllo"},
			{header: "Utenti finali", kind: longText, width: 24,
				help: "Gli utenti finali.", example: "Cittadini"},
			{header: "Reti di collaborazione", kind: longText, width: 30,
				help: "Le reti di collaborazione.", example: "Conferenza delle aree"},
			{header: "Descrizione", kind: longText, width: 70,
				help: "La descrizione dell'obiettivo. La formattazione è semplificata: ogni riga della cella " +
					"(Alt+Invio in Excel) è un paragrafo, una riga che inizia con «- » è una voce di elenco; " +
					"grassetto e corsivo non si conservano.",
				example: "Con deliberazione n. 5 del 31.03.2022 è stato approvato il Regolamento.\n- prima voce di elenco\n- seconda voce di elenco"},
			{header: "Peso", kind: number, width: 8,
				help: "Il peso nel grado di raggiungimento del centro: numero maggiore di zero; vuoto per pesi uguali.", example: ""},
			{header: "Gruppo trasversale", kind: text, width: 22,
				help: "Per un obiettivo trasversale, lo stesso codice in ogni centro che lo condivide; vuoto altrimenti.", example: ""},
		},
	}

	activitiesSheet = sheet{
		name: SheetActivities,
		help: "Un'attività (modalità di attuazione) per riga, legata al suo obiettivo da centro, sezione e numero.",
		columns: append(append([]column{}, objectiveRef...),
			column{header: "Ordine", kind: integer, width: 8, required: true,
				help: "La posizione dell'attività tra quelle dell'obiettivo: intero da 1 in su, non ripetuto nello stesso obiettivo.", example: "1"},
			column{header: "Descrizione", kind: longText, width: 60, required: true,
				help: "Che cosa si fa.", example: "Incontri della conferenza delle aree per la definizione del piano"},
			column{header: "Tempi: da (AAAA-MM)", kind: month, width: 14,
				help: "Il mese di inizio previsto, nel formato AAAA-MM (ad esempio 2023-05); vuoto se non previsto.", example: "2023-05"},
			column{header: "Tempi: a (AAAA-MM)", kind: month, width: 14,
				help: "Il mese di fine previsto, nel formato AAAA-MM; uguale all'inizio per un solo mese; vuoto se non previsto.", example: "2023-06"},
			column{header: "Annuale (si/no)", kind: yesNo, width: 10,
				help: "«si» per un'attività continuativa di tutto l'anno (allora i mesi restano vuoti); «no» o vuoto altrimenti.", example: "no"},
			column{header: "Tempi (come in relazione)", kind: label, width: 22,
				help: "Solo lettura: i tempi come li scrive la relazione. Si ignora al caricamento.", example: "Maggio/Giugno"},
		),
	}

	indicatorsSheet = sheet{
		name: SheetIndicators,
		help: "Un indicatore di risultato per riga, legato al suo obiettivo da centro, sezione e numero.",
		columns: append(append([]column{}, objectiveRef...),
			column{header: "Ordine", kind: integer, width: 8, required: true,
				help: "La posizione dell'indicatore tra quelli dell'obiettivo: intero da 1 in su, non ripetuto nello stesso obiettivo.", example: "1"},
			column{header: "Nome", kind: longText, width: 30, required: true,
				help: "Il nome dell'indicatore.", example: "Incontri"},
			column{header: "Descrizione", kind: longText, width: 45,
				help: "Che cosa misura.", example: "Incontri della Conferenza dell'area della direzione"},
			column{header: "Unità", kind: unit, width: 9, required: true,
				help: "L'unità di misura, una tra: " + unitList() + ".", example: "n."},
			column{header: "Polarità (più alto/più basso)", kind: polarity, width: 16,
				help: "«più alto» se un valore più alto è migliore (vuoto vale «più alto»), «più basso» per tempi di risposta, arretrati e simili.", example: "più alto"},
			column{header: "Peso", kind: number, width: 8,
				help: "Il peso nel grado di raggiungimento dell'obiettivo: numero maggiore di zero; vuoto per pesi uguali.", example: ""},
			column{header: "Valore atteso", kind: expected, width: 12, required: true,
				help: "Il valore da raggiungere: un numero (con la virgola o il punto per i decimali), oppure «si» o «no» per l'unità si/no.", example: "6"},
		),
	}

	areasSheet = sheet{
		name: SheetAreas,
		help: "Il valore pubblico (PIAO, sezione 2.1) che l'ente persegue con ciascuna area strategica, una per riga. " +
			"Facoltativo: un'area senza riga, o con il valore vuoto, non ha valore pubblico.",
		columns: []column{
			{header: "Area strategica", kind: longText, width: 40, required: true,
				help:    "L'area strategica, scritta come nella colonna «Area strategica» del foglio «Obiettivi»; una sola riga per area.",
				example: "Governance, amministrazione e servizi generali."},
			{header: "Valore pubblico", kind: longText, width: 80,
				help:    "Il valore pubblico che l'ente persegue con l'area: testo semplice, al più 4.000 caratteri.",
				example: "Un ente trasparente e accessibile, che risponde in tempi certi a cittadini e imprese."},
		},
	}

	// dataSheets are the sheets the workbook holds, in workbook order.
	dataSheets = []*sheet{&objectivesSheet, &activitiesSheet, &indicatorsSheet, &areasSheet, &centresSheet, &cycleSheet}
)

// normalise makes names comparable: case, accents and spacing do not count,
// so "attivita" finds "Attività" and "valore  atteso" finds "Valore atteso".
func normalise(s string) string {
	return strings.Join(strings.Fields(accents.Replace(strings.ToLower(s))), " ")
}

var accents = strings.NewReplacer("à", "a", "á", "a", "è", "e", "é", "e", "ì", "i", "í", "i", "ò", "o", "ó", "o", "ù", "u", "ú", "u")

// columnName is the letter of the zero-based column i.
func columnName(i int) string {
	name := ""
	for i++; i > 0; i = (i - 1) / 26 {
		name = string(rune('A'+(i-1)%26)) + name
	}
	return name
}

// unitList writes the allowed units for people: "n., n, %, si/no, €, gg".
func unitList() string {
	units := make([]string, 0, len(domain.Units()))
	for _, u := range domain.Units() {
		units = append(units, string(u))
	}
	return strings.Join(units, ", ")
}
