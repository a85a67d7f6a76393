package httpapi

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
)

// NamesFromCSV reads student names from a class list exported by a school
// administration system or a spreadsheet: UTF-8 with or without BOM,
// separated by semicolons (German Excel), commas or tabs. With a header
// row it takes the "Name" column, or joins "Vorname" and "Nachname"
// (first name, last name); without one it takes the first column.
func NamesFromCSV(data []byte) ([]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	firstLine, _, _ := bytes.Cut(data, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = delimiter(firstLine)
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	rows, err := r.ReadAll()
	if err != nil {
		return nil, errors.New("the file is not a readable CSV list: " + err.Error())
	}
	if len(rows) == 0 {
		return nil, errors.New("the file is empty")
	}
	nameCol, firstCol, lastCol := -1, -1, -1
	for i, h := range rows[0] {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "name", "schüler", "schülerin", "schüler*in", "student":
			nameCol = i
		case "vorname", "first name", "firstname":
			firstCol = i
		case "nachname", "familienname", "last name", "lastname", "surname":
			lastCol = i
		}
	}
	header := nameCol >= 0 || (firstCol >= 0 && lastCol >= 0)
	if !header {
		nameCol = 0
	} else {
		rows = rows[1:]
	}
	var names []string
	for _, row := range rows {
		var name string
		switch {
		case header && nameCol < 0:
			name = strings.TrimSpace(field(row, firstCol) + " " + field(row, lastCol))
		default:
			name = field(row, nameCol)
		}
		if name = strings.TrimSpace(name); name != "" {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil, errors.New("the file holds no names")
	}
	return names, nil
}

func field(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return row[i]
}

func delimiter(line []byte) rune {
	best, count := ',', bytes.Count(line, []byte(","))
	for _, d := range []rune{';', '\t'} {
		if n := bytes.Count(line, []byte(string(d))); n > count {
			best, count = d, n
		}
	}
	return best
}
