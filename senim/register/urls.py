
urlpatterns: list = []  # pages are added by the indicators work
