from reports import final_report_urls, network_doc_urls, profile_urls, receipt_urls

app_name = "reports"

# Mounted at the root; each part owns its module:
# - receipt_urls: /ansokningar/<pk>/kvitto/ (the application receipt)
# - network_doc_urls: /projektledare/natverk/<slug>/… (selection report PDF, contact list, attendance list)
# - profile_urls: /kommuner/<code>/effektivitet/pdf/ (the municipality's efficiency profile)
# - final_report_urls: /projektledare/natverk/<slug>/slutrapport/ and /dokument/ (final report, network pack)
urlpatterns = [
    *receipt_urls.urlpatterns,
    *network_doc_urls.urlpatterns,
    *profile_urls.urlpatterns,
    *final_report_urls.urlpatterns,
]
