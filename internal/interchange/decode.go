package interchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"

	"traguardo/internal/fielderr"
)

// maxDocument bounds what is read, so a huge upload cannot exhaust memory.
const maxDocument = 32 << 20

// maxItems bounds the objects and lists of a document: each costs hundreds
// of bytes once decoded (twice: as JSON values, then as the Go types), so
// that 10 MB of empty objects would take gigabytes. A cycle of a thousand
// objectives, with their activities, indicators and values, has a few tens
// of thousands.
const maxItems = 200_000

// Decode reads a v1 document, rejecting unknown fields and wrong types with
// their JSON path. It does not check the meaning of the values: Validate does.
func Decode(r io.Reader) (*Document, error) {
	doc, errs, err := decode(r)
	if err != nil {
		return nil, err
	}
	if errs.Len() > 0 {
		return nil, errs.List()
	}
	return doc, nil
}

// decode reads a v1 document and lists the problems of its shape: unknown
// members, wrong JSON types, NUL in a text. The document comes back with
// them whenever it still fills the Go types (no wrong type), so that Read
// can check its meaning too and list every problem at once; an unknown
// member is then left out. A document that is not JSON is a fielderr.List error.
// The problems are collected up to fielderr.MaxList, the others counted.
func decode(r io.Reader) (*Document, *fielderr.Collector, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxDocument+1))
	if err != nil {
		return nil, nil, err
	}
	if len(raw) > maxDocument {
		return nil, nil, fielderr.List{{Message: "documento troppo grande (massimo 32 MB)"}}
	}
	if items(raw, maxItems) > maxItems {
		return nil, nil, fielderr.List{{Message: "documento troppo grande: più di 200.000 oggetti ed elenchi"}}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, nil, fielderr.List{{Message: "JSON non valido: " + jsonProblem(err)}}
	}
	// dec.More would miss a stray "}" or "]": look at what is left instead.
	if len(bytes.TrimLeft(raw[dec.InputOffset():], " \t\r\n")) > 0 {
		return nil, nil, fielderr.List{{Message: "JSON non valido: contenuto dopo la fine del documento"}}
	}
	errs := &fielderr.Collector{}
	checkShape("", generic, reflect.TypeFor[Document](), errs)
	generic = nil // for the collector of garbage, while the document is decoded again
	var doc Document
	if err := json.Unmarshal(raw, &doc); err != nil {
		if errs.Len() > 0 {
			return nil, errs, nil
		}
		return nil, nil, fielderr.List{{Message: "JSON non valido: " + jsonProblem(err)}}
	}
	return &doc, errs, nil
}

// items counts the objects and lists of a JSON text, up to max+1: the
// brackets that open them, outside strings. Of a text that is not JSON it
// counts as many as a decoder could make before its error, or more.
func items(raw []byte, max int) int {
	n, inString, escaped := 0, false, false
	for _, c := range raw {
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && (c == '{' || c == '['):
			if n++; n > max {
				return n
			}
		}
	}
	return n
}

func jsonProblem(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Sprintf("errore di sintassi al carattere %d", syn.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "documento incompleto"
	}
	return err.Error()
}

var (
	spanType  = reflect.TypeFor[Span]()
	valueType = reflect.TypeFor[Value]()
)

// checkShape walks a generically decoded value against the Go type it must
// fill, recording unknown members and wrong JSON types with their path.
func checkShape(path string, v any, t reflect.Type, errs *fielderr.Collector) {
	if v == nil {
		return // null: absence is judged by Validate
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	add := func(msg string) { errs.Add(fielderr.Path(path, msg)) }
	switch {
	case t == valueType:
		switch v.(type) {
		case json.Number, bool:
		default:
			add("atteso un numero o vero/falso")
		}
		return
	case t == spanType:
		t = reflect.TypeFor[spanJSON]()
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			add("atteso un oggetto")
			return
		}
		fields := jsonFields(t)
		// Members in name order, so the same document always gives the same list.
		for _, key := range slices.Sorted(maps.Keys(obj)) {
			member := obj[key]
			ft, known := fields[key]
			if !known {
				errs.Add(fielderr.Path(join(path, key), "campo sconosciuto"))
				continue
			}
			checkShape(join(path, key), member, ft, errs)
		}
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			add("atteso un elenco")
			return
		}
		for i, item := range arr {
			checkShape(fmt.Sprintf("%s[%d]", path, i), item, t.Elem(), errs)
		}
	case reflect.String:
		str, ok := v.(string)
		switch {
		case !ok:
			add("atteso un testo")
		case strings.ContainsRune(str, 0):
			// PostgreSQL text cannot hold NUL.
			add("il testo contiene un carattere non ammesso (NUL)")
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			add("atteso vero o falso")
		}
	case reflect.Int:
		n, ok := v.(json.Number)
		if _, err := n.Int64(); !ok || err != nil {
			add("atteso un numero intero")
		}
	case reflect.Float64:
		if _, ok := v.(json.Number); !ok {
			add("atteso un numero")
		}
	}
}

// fieldsOf holds the members of each struct type by JSON name, as jsonFields
// finds them: checkShape looks them up for every object of a document.
var fieldsOf sync.Map // reflect.Type -> map[string]reflect.Type

func jsonFields(t reflect.Type) map[string]reflect.Type {
	if f, ok := fieldsOf.Load(t); ok {
		return f.(map[string]reflect.Type)
	}
	fields := make(map[string]reflect.Type, t.NumField())
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			fields[name] = f.Type
		}
	}
	fieldsOf.Store(t, fields)
	return fields
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
