app_name = "tenders"

urlpatterns: list = []
