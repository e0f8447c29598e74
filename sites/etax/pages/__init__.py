"""Page objects of the electronic tax bureau: one module per page (login, portal frame, 申报清册, the VAT
return, 申报信息查询, 税费缴纳), plus the locator helpers and the guards every page shares."""
