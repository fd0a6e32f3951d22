"""Reading plans for people: compare two plans, an offline HTML report, Excel workbooks, a blank template."""
