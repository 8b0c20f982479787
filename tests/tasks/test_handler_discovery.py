from ansinh.tasks import actions


def test_it_finds_the_task_handlers_of_every_app():
    actions._load_handlers()
    assert {"imports.validate", "imports.commit", "review.assess_round"} <= set(actions._HANDLERS)
