"""The registry's pages: households, their members and the duplicate list."""

from django.urls import path

from ansinh.web.registry import duplicates, households, members

urlpatterns = [
    path("households/", households.search, name="household-search"),
    path("households/new/", households.create, name="household-create"),
    path("households/<int:pk>/", households.detail, name="household-detail"),
    path("households/<int:pk>/edit/", households.edit, name="household-edit"),
    path("households/<int:pk>/head/", members.change_head, name="household-change-head"),
    path("households/<int:pk>/split/", households.split, name="household-split"),
    path("households/<int:pk>/merge/", households.merge, name="household-merge"),
    path("households/<int:pk>/members/new/", members.add, name="member-add"),
    path("households/<int:pk>/members/<int:member_pk>/edit/", members.edit, name="member-edit"),
    path("households/<int:pk>/members/<int:member_pk>/death/", members.death, name="member-death"),
    path("households/<int:pk>/members/<int:member_pk>/move-out/", members.move_out, name="member-move-out"),
    path(
        "households/<int:pk>/members/<int:member_pk>/move-to-household/",
        members.move_to_household,
        name="member-move-to-household",
    ),
    path("duplicates/", duplicates.index, name="duplicate-list"),
    path("duplicates/<int:pk>/resolve/", duplicates.resolve, name="duplicate-resolve"),
]
