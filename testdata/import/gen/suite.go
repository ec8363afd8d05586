package main

import (
	"bytes"
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"
)

// officeSuiteWorkbook is an office's address book as LibreOffice Calc or
// Excel saves it: two sheets (clients and suppliers), each with a second
// phone column under its own header, numbers typed as numbers (mobiles)
// or as text (landlines with spaces), and date cells stored as serials
// with a date number format: the built-in short date (14) for birthdays,
// a custom "dd/mm/yyyy hh:mm" for the last call, a custom "d/m/yy" for the
// last order.
func officeSuiteWorkbook() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	fixed := time.Date(2024, 6, 10, 9, 0, 0, 0, time.UTC).Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "Segreteria", Created: fixed, Modified: fixed, LastModifiedBy: "Segreteria"}); err != nil {
		return nil, err
	}
	short, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return nil, err
	}
	lastCallFmt := "dd/mm/yyyy\\ hh:mm"
	withTime, err := f.NewStyle(&excelize.Style{CustomNumFmt: &lastCallFmt})
	if err != nil {
		return nil, err
	}
	orderFmt := "d/m/yy"
	dayMonth, err := f.NewStyle(&excelize.Style{CustomNumFmt: &orderFmt})
	if err != nil {
		return nil, err
	}
	type cell struct {
		v     any
		style int
	}
	sheets := []struct {
		name   string
		header []string
		rows   [][]cell
	}{
		{"Clienti", []string{"Nome", "Cognome", "Azienda", "Telefono", "Telefono 2", "Email", "Data di nascita", "Ultima chiamata", "Note"}, [][]cell{
			{{"Mario", 0}, {"Rossi", 0}, {"Rossi Impianti Srl", 0}, {"06 1234 5678", 0}, {int64(3331234567), 0}, {"mario.rossi@rossiimpianti.it", 0},
				{serial(date(1971, 3, 14)), short}, {serial(time.Date(2024, 10, 29, 14, 30, 0, 0, time.UTC)), withTime}, {"Preventivo caldaia", 0}},
			{{"Giulia", 0}, {"Bianchi", 0}, {nil, 0}, {"02 8765 1234", 0}, {"+39 347 987 6543", 0}, {"giulia.bianchi@example.it", 0},
				{serial(date(1985, 11, 2)), short}, {serial(time.Date(2024, 10, 28, 9, 5, 0, 0, time.UTC)), withTime}, {nil, 0}},
			{{"Anna", 0}, {"Ricci", 0}, {nil, 0}, {nil, 0}, {int64(3201112233), 0}, {nil, 0},
				{nil, 0}, {serial(date(2024, 9, 2)), withTime}, {"Solo cellulare", 0}},
		}},
		{"Fornitori", []string{"Ragione sociale", "Referente", "Tel.", "Altro telefono", "E-mail", "Ultimo ordine"}, [][]cell{
			{{"Conti Ricambi SpA", 0}, {"Paolo Conti", 0}, {"051 644 3322", 0}, {"+39 335 600 7788", 0}, {"ordini@contiricambi.it", 0}, {serial(date(2024, 5, 28)), dayMonth}},
			{{"Idraulica De Luca", 0}, {"Sara De Luca", 0}, {"0461 234567", 0}, {int64(3497654321), 0}, {"sara@idraulicadeluca.it", 0}, {serial(date(2024, 4, 3)), dayMonth}},
		}},
	}
	for i, sh := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(sh.name); err != nil {
			return nil, err
		}
		for c, h := range sh.header {
			if err := f.SetCellValue(sh.name, cellName(c, 1), h); err != nil {
				return nil, err
			}
		}
		for r, row := range sh.rows {
			for c, v := range row {
				if v.v == nil {
					continue
				}
				name := cellName(c, r+2)
				if err := f.SetCellValue(sh.name, name, v.v); err != nil {
					return nil, err
				}
				if v.style != 0 {
					if err := f.SetCellStyle(sh.name, name, name, v.style); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func cellName(col, row int) string { return fmt.Sprintf("%c%d", 'A'+col, row) }
