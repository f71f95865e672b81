/* Presentation mode for "Titta på data gemensamt": one slide at a time on the big screen.
 *
 * Without JavaScript every slide is shown one after the other. With it, the deck ([data-deck]) shows one
 * slide ([data-slide]) at a time: ←/→ (and PageUp/PageDown, Home/End) or the buttons move between slides,
 * the live region ([data-deck-status]) announces "Bild 3 av 12: …", and [data-deck-fullscreen] puts the
 * deck in full screen. Everything is already in the page (figures inlined as JSON), so once loaded the
 * deck needs no network. The URL's #bild-… opens that slide, and is kept up to date for reloading.
 */
(function () {
  "use strict";

  var deck = document.querySelector("[data-deck]");
  if (!deck) {
    return;
  }
  var slides = Array.prototype.slice.call(deck.querySelectorAll("[data-slide]"));
  var toolbar = deck.querySelector("[data-deck-toolbar]");
  var status = deck.querySelector("[data-deck-status]");
  var previousButton = deck.querySelector("[data-deck-prev]");
  var nextButton = deck.querySelector("[data-deck-next]");
  var fullscreenButton = deck.querySelector("[data-deck-fullscreen]");
  var help = document.querySelector("[data-deck-help]");
  var template = deck.dataset.statusTemplate || "{n} / {total}: {title}";
  var current = -1;

  if (!slides.length) {
    return;
  }

  function announce(index) {
    status.textContent = template
      .replace("{n}", String(index + 1))
      .replace("{total}", String(slides.length))
      .replace("{title}", slides[index].dataset.slideTitle || "");
  }

  function setEnd(button, atEnd) {
    // aria-disabled rather than disabled: a disabled button would drop keyboard focus to the page.
    button.setAttribute("aria-disabled", atEnd ? "true" : "false");
  }

  function show(index, moveFocus) {
    index = Math.max(0, Math.min(slides.length - 1, index));
    if (index === current) {
      return;
    }
    var focusWasInSlide = current >= 0 && slides[current].contains(document.activeElement);
    slides.forEach(function (slide, position) {
      slide.hidden = position !== index;
    });
    current = index;
    setEnd(previousButton, index === 0);
    setEnd(nextButton, index === slides.length - 1);
    announce(index);
    var slide = slides[index];
    var chart = slide.querySelector("[data-chart]");
    if (chart && window.IndicatorCharts) {
      window.IndicatorCharts.draw(chart);
    }
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "#" + slide.id);
    }
    // Never leave focus on an element that just became hidden. Focusing without scrolling, then bringing
    // the toolbar back into view: on a small screen (1024 × 768) focusing the title scrolled the page until
    // the toolbar was above the top edge.
    if (moveFocus || focusWasInSlide) {
      slide.querySelector(".slide-title").focus({ preventScroll: true });
    }
    keepToolbarInView();
  }

  function keepToolbarInView() {
    if (!toolbar || toolbar.hidden || document.fullscreenElement) {
      return;
    }
    var top = toolbar.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight) {
      toolbar.scrollIntoView({ block: "start", behavior: "instant" });
    }
  }

  function step(delta) {
    show(current + delta, false);
  }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || (target && target.isContentEditable);
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) {
      return;
    }
    var moves = { ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1 };
    if (event.key in moves) {
      step(moves[event.key]);
    } else if (event.key === "Home") {
      show(0, false);
    } else if (event.key === "End") {
      show(slides.length - 1, false);
    } else {
      return;
    }
    event.preventDefault();
  });

  previousButton.addEventListener("click", function () {
    step(-1);
  });
  nextButton.addEventListener("click", function () {
    step(1);
  });

  if (fullscreenButton && deck.requestFullscreen) {
    fullscreenButton.addEventListener("click", function () {
      if (document.fullscreenElement) {
        document.exitFullscreen();
      } else {
        deck.requestFullscreen().catch(function () {});
      }
    });
    document.addEventListener("fullscreenchange", function () {
      var on = document.fullscreenElement === deck;
      fullscreenButton.setAttribute("aria-pressed", on ? "true" : "false");
      deck.classList.toggle("deck-fullscreen", on);
      var chart = slides[current].querySelector("[data-chart]");
      if (window.IndicatorCharts) {
        window.IndicatorCharts.resize(chart);
      }
    });
  } else if (fullscreenButton) {
    fullscreenButton.hidden = true;
  }

  deck.classList.add("deck-enhanced");
  toolbar.hidden = false;
  if (help) {
    help.hidden = false;
  }
  var fromHash = slides.findIndex(function (slide) {
    return "#" + slide.id === window.location.hash;
  });
  show(fromHash >= 0 ? fromHash : 0, false);
})();
