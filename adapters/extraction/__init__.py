"""Reading uploaded files as text: txt, md, html, pdf, docx, csv, json."""
