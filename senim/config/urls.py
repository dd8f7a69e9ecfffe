from django.contrib.auth import views as auth_views
from django.urls import include, path

from senim.config.api import api
from senim.core import views_users
from senim.core.signin import ThrottledAuthenticationForm
from senim.core.views import home, sign_in_locks

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("sign-in-locks/", sign_in_locks, name="sign-in-locks"),
    path("api/", api.urls),
    path("analytics/", include("senim.analysis.urls")),
    path("ops/", include("senim.ops.urls")),
    path("prevention/", include("senim.prevention.urls")),
    path("integrity/", include("senim.integrity.urls")),
    path("safeguards/", include("senim.safeguards.urls")),
    path("oversight/", include("senim.oversight.urls")),
    path("trust/", include("senim.trust.urls")),
    path("results/", include("senim.results.urls")),
    path("open/", include("senim.portal.urls")),
    path("users/", views_users.user_list, name="users"),
    path("users/new/", views_users.user_new, name="users-new"),
    path("users/<int:pk>/", views_users.user_detail, name="users-detail"),
    path("", home, name="home"),
    path("", include("senim.register.urls")),
]
