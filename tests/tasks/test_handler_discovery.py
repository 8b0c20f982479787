from ansinh.tasks import actions


def test_it_finds_the_task_handlers_of_every_app():
    assert {"imports.validate", "imports.commit", "review.assess_round"} <= set(actions.registered_kinds())
